/**
 * Values across the wire: rows out as JSONEachRow objects (timestamps as UTC text with µs), results
 * in as plain cells shaped like the DuckDB store's (64-bit integers, which ClickHouse quotes, as
 * numbers when safe; timestamps as ISO strings with ms).
 */
import type { Columns } from '../schema.js';
import type { CellValue, QueryResult } from '../store.js';
import type { JsonCompact } from './clickhouse-client.js';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Epoch µs → 'YYYY-MM-DD hh:mm:ss.ffffff' (UTC), as DateTime64(6) parses it. */
export function timeText(us: number): string {
  const ms = Math.floor(us / 1000);
  const d = new Date(ms);
  const frac = us - Math.floor(us / 1_000_000) * 1_000_000;
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(frac, 6)}`
  );
}

export function toJsonRow<Row>(columns: Columns<Row>, row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const v = row[c.name] as unknown;
    out[c.name] = c.type === 'timestamp' && typeof v === 'number' ? timeText(v) : (v ?? null);
  }
  return out;
}

const WRAPPERS = /^(?:Nullable|LowCardinality)\((.*)\)$/;
const baseType = (t: string): string => {
  let b = t;
  for (let m = WRAPPERS.exec(b); m; m = WRAPPERS.exec(b)) b = m[1] as string;
  return b;
};

type Convert = (v: unknown) => CellValue;

const BIG_INT = /^U?Int(64|128|256)$/;
const asNumber: Convert = (v) => {
  const n = Number(v);
  return typeof v === 'string' && !Number.isSafeInteger(n) ? v : n;
};
/** '2026-11-28 07:00:30.577123' (UTC) → '2026-11-28T07:00:30.577Z', as DuckDB's cells. */
const asIso: Convert = (v) => {
  const s = String(v);
  const [date, time = '00:00:00'] = s.split(' ');
  const [hms, frac = ''] = time.split('.');
  return `${date}T${hms}.${frac.padEnd(3, '0').slice(0, 3)}Z`;
};
const plain: Convert = (v) =>
  v === null || ['string', 'number', 'boolean'].includes(typeof v) ? (v as CellValue) : JSON.stringify(v);

function converter(type: string): Convert {
  const b = baseType(type);
  if (BIG_INT.test(b)) return asNumber;
  if (b.startsWith('DateTime')) return asIso;
  return plain;
}

/** JSONCompact → columns and cells; at most `maxRows` rows. */
export function toQueryResult(r: JsonCompact | null, maxRows?: number): QueryResult {
  if (!r) return { columns: [], rows: [] };
  const convert = r.meta.map((m) => converter(m.type));
  const data = maxRows === undefined ? r.data : r.data.slice(0, maxRows);
  return {
    columns: r.meta.map((m) => m.name),
    rows: data.map((row) => row.map((v, i) => (v === null ? null : (convert[i] as Convert)(v)))),
  };
}
