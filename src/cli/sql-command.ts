/** `unsilo sql "SELECT …"`: read-only SQL against the store, printed as a table, JSON or CSV. */
import { formatResult, type Format } from './format.js';
import { openSqlRunner } from './store-access.js';

export interface SqlCommandOptions {
  server?: string;
  dataDir: string;
  format: Format;
  maxRows: number;
}

export async function sqlCommand(sql: string, opts: SqlCommandOptions): Promise<string> {
  const runner = await openSqlRunner(opts);
  try {
    return formatResult(await runner.sql(sql, [], opts.maxRows), opts.format);
  } finally {
    await runner.close();
  }
}
