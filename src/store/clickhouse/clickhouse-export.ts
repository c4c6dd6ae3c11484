/**
 * Export on ClickHouse: the rows of a table as JSON lines in the shape DuckDB's export has (the
 * schema's columns, oldest first, 64-bit integers as numbers, JSON columns nested rather than text).
 * The server streams JSONEachRow (read with FINAL); each yielded chunk holds whole lines.
 */
import { StringDecoder } from 'node:string_decoder';
import { TABLES } from '../schema.js';
import { TIME_COLUMNS, type RetainedTable } from '../store-retention.js';
import type { ClickhouseAccess } from './clickhouse-usage.js';

/** A JSONEachRow line with the JSON text columns `json` nested as values. */
function nestJson(line: string, json: ReadonlySet<string>): string {
  const row = JSON.parse(line) as Record<string, unknown>;
  for (const k of json) if (typeof row[k] === 'string') row[k] = JSON.parse(row[k]) as unknown;
  return JSON.stringify(row);
}

/** The rows of `table` matching `where` (SQL over its columns). */
export async function* exportJsonLines(
  a: ClickhouseAccess,
  table: RetainedTable,
  where: string,
): AsyncIterable<string> {
  const cols = TABLES[table];
  const json = new Set<string>(cols.filter((c) => c.type === 'json').map((c) => c.name));
  const body = await a.ch().stream({
    query: `SELECT ${cols.map((c) => `\`${c.name}\``).join(', ')} FROM ${table}
      WHERE ${where} ORDER BY ${TIME_COLUMNS[table]}, key FORMAT JSONEachRow`,
    settings: { ...a.read, output_format_json_quote_64bit_integers: 0 },
  });
  // A chunk may end inside a character or a line.
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of body) {
    const lines = (rest + decoder.write(chunk)).split('\n');
    rest = lines.pop() ?? '';
    const out = lines.filter((l) => l !== '').map((l) => nestJson(l, json));
    if (out.length > 0) yield `${out.join('\n')}\n`;
  }
  rest += decoder.end();
  if (rest !== '') yield `${nestJson(rest, json)}\n`;
}
