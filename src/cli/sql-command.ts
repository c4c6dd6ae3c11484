/** `unsilo sql "SELECT …"`: read-only SQL against the store, printed as a table, JSON or CSV. */
import type { Backend } from './backend.js';
import { formatResult, type Format } from './format.js';

export async function sqlCommand(
  backend: Backend,
  sql: string,
  format: Format,
  maxRows: number,
): Promise<string> {
  const result = await backend.sql(sql, [], maxRows);
  const note = result.truncated
    ? `\n(stopped at ${result.rows.length} rows: narrow the query or raise --max-rows)`
    : '';
  return formatResult(result, format) + (format === 'table' ? note : '');
}
