/**
 * What a reader's SQL may not reach on ClickHouse. `readonly` stops writes but not table functions:
 * `SELECT * FROM file('/etc/passwd', 'LineAsString')` reads a file, `url()` and `s3()` make the server
 * fetch from the network, `remote()` and `mysql()` reach other servers, `executable()` runs a program.
 * So a read-only query is parsed first (`EXPLAIN AST`, ClickHouse's own parser) and refused when a
 * table expression is a function other than a few generators, or when any function that reaches
 * outside the store appears anywhere (a subquery, `IN (…)`, a CTE, a scalar `file(…)`).
 */

/** Table functions that only generate rows. */
const GENERATORS = new Set([
  'numbers',
  'numbers_mt',
  'zeros',
  'zeros_mt',
  'values',
  'generate_series',
  'generateseries',
  'null',
  'view',
]);

/** Functions that reach files, the network, other servers or programs, wherever they appear. */
const OUTSIDE =
  /^(file|filecluster|url|urlcluster|s3|s3cluster|gcs|oss|cosn|hdfs|hdfscluster|azureblobstorage\w*|remote|remotesecure|cluster|clusterallreplicas|mysql|postgresql|jdbc|odbc|mongodb|redis|sqlite|executable\w*|input|iceberg\w*|deltalake\w*|hudi\w*|paimon\w*|arrowflight|ytsaurus)$/;

const FUNCTION = /^(\s*)Function (\S+)/;
const TABLE_EXPRESSION = /^(\s*)TableExpression\b/;

/** The first function in `ast` (EXPLAIN AST lines) a reader may not use, or null. */
export function forbiddenFunction(ast: readonly string[]): string | null {
  for (let i = 0; i < ast.length; i++) {
    const line = ast[i] ?? '';
    const fn = FUNCTION.exec(line);
    if (fn && OUTSIDE.test((fn[2] ?? '').toLowerCase())) return fn[2] ?? null;
    const table = TABLE_EXPRESSION.exec(line);
    if (!table) continue;
    const inner = FUNCTION.exec(ast[i + 1] ?? '');
    const name = inner?.[2];
    if (name && (inner[1] ?? '').length > (table[1] ?? '').length && !GENERATORS.has(name.toLowerCase()))
      return name;
  }
  return null;
}
