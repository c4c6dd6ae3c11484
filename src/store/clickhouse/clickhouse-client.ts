/**
 * The slice of `@clickhouse/client` the store uses, as its own interface, and the one adapter over
 * the real client. Failures become two typed errors: the server answered with an exception
 * (`ClickhouseServerError`, with ClickHouse's numeric code), or it could not be reached at all
 * (`ClickhouseConnectionError`).
 */
import type { ClickHouseSettings } from '@clickhouse/client';

export type Settings = Record<string, string | number>;

export interface ChStatement {
  query: string;
  /** Values of `{name:Type}` placeholders. */
  params?: Record<string, unknown>;
  settings?: Settings;
  signal?: AbortSignal;
}

/** ClickHouse's JSONCompact output. */
export interface JsonCompact {
  meta: { name: string; type: string }[];
  data: unknown[][];
}

export interface ChClient {
  /** Runs one statement; a SELECT's result comes back in `default_format` (JSONCompact), else null. */
  run(s: ChStatement): Promise<JsonCompact | null>;
  /** Runs a SELECT; large parameter values travel in the request body (multipart), not the URL. */
  select(s: ChStatement): Promise<JsonCompact>;
  /** Runs a statement with its own FORMAT clause; the answer's bytes as they arrive (Parquet, JSON lines). */
  stream(s: ChStatement): Promise<AsyncIterable<Buffer>>;
  /** Inserts rows (objects keyed by column) as JSONEachRow. */
  insert(table: string, rows: Record<string, unknown>[], settings?: Settings): Promise<void>;
  close(): Promise<void>;
}

export interface ChConnection {
  url: string;
  user: string;
  password: string;
  /** The database every statement runs in; none for the one that creates it. */
  database?: string;
  requestTimeoutMs: number;
}

export class ClickhouseServerError extends Error {
  override readonly name = 'ClickhouseServerError';
  constructor(
    message: string,
    /** ClickHouse's error code: 164 READONLY, 159 TIMEOUT_EXCEEDED, 516 AUTHENTICATION_FAILED, … */
    readonly code: number,
  ) {
    super(message);
  }
}

export class ClickhouseConnectionError extends Error {
  override readonly name = 'ClickhouseConnectionError';
}

/** JSONCompact text → its meta and data; null for anything else (a FORMAT clause chose another format). */
function parseJsonCompact(text: string): JsonCompact | null {
  try {
    const r = JSON.parse(text) as Partial<JsonCompact> | null;
    return r && Array.isArray(r.meta) && Array.isArray(r.data) ? { meta: r.meta, data: r.data } : null;
  } catch {
    return null;
  }
}

export const AUTHENTICATION_FAILED = 516;
export const ACCESS_DENIED = 497;
export const READONLY = 164;
export const TIMEOUT_EXCEEDED = 159;

export async function connectClickhouse(c: ChConnection): Promise<ChClient> {
  const { createClient, ClickHouseError, ClickHouseLogLevel } = await import('@clickhouse/client');
  const client = createClient({
    url: c.url,
    username: c.user,
    password: c.password,
    ...(c.database ? { database: c.database } : {}),
    request_timeout: c.requestTimeoutMs,
    compression: { request: true, response: false },
    // Key lists for the duplicate check go in the request body once they pass 4 KiB.
    use_multipart_params_auto: true,
    application: 'unsilo',
    // Failures reach the caller as typed errors (and the collector's log); the client prints nothing.
    log: { level: ClickHouseLogLevel.OFF },
  });
  const mapError = (err: unknown): Error => {
    if (err instanceof ClickHouseError) return new ClickhouseServerError(err.message, Number(err.code));
    const e = err as NodeJS.ErrnoException;
    if (e.name === 'AbortError') return e;
    return new ClickhouseConnectionError(
      `ClickHouse at ${c.url} is unreachable (${e.code ?? e.message}); check --clickhouse-url and that the server runs`,
      { cause: err },
    );
  };
  return {
    async run(s) {
      try {
        const r = await client.exec({
          query: s.query,
          query_params: s.params,
          clickhouse_settings: { default_format: 'JSONCompact', ...s.settings } as ClickHouseSettings,
          abort_signal: s.signal,
        });
        let text = '';
        for await (const chunk of r.stream) text += (chunk as Buffer).toString('utf8');
        if (text.trim() === '') return null;
        const parsed = parseJsonCompact(text);
        if (!parsed)
          throw new ClickhouseServerError(
            'ClickHouse answered in another format than JSONCompact; leave the FORMAT clause out',
            0,
          );
        return parsed;
      } catch (err) {
        throw err instanceof ClickhouseServerError ? err : mapError(err);
      }
    },
    async select(s) {
      try {
        const r = await client.query({
          query: s.query,
          format: 'JSONCompact',
          query_params: s.params,
          clickhouse_settings: s.settings as ClickHouseSettings,
          abort_signal: s.signal,
        });
        return (await r.json()) as JsonCompact;
      } catch (err) {
        throw mapError(err);
      }
    },
    async stream(s) {
      try {
        const r = await client.exec({
          query: s.query,
          query_params: s.params,
          clickhouse_settings: s.settings as ClickHouseSettings,
          abort_signal: s.signal,
        });
        return r.stream as AsyncIterable<Buffer>;
      } catch (err) {
        throw mapError(err);
      }
    },
    async insert(table, rows, settings) {
      if (rows.length === 0) return;
      try {
        await client.insert({
          table,
          values: rows,
          format: 'JSONEachRow',
          clickhouse_settings: settings as ClickHouseSettings,
        });
      } catch (err) {
        throw mapError(err);
      }
    },
    close: () => client.close(),
  };
}

/** What to do about a ClickHouse failure at start-up (docs/troubleshooting.md has the long form). */
export function clickhouseFix(err: ClickhouseServerError | ClickhouseConnectionError): string {
  if (err instanceof ClickhouseConnectionError)
    return 'is the server up, and is --clickhouse-url its HTTP port (8123, or 8443 for https)?';
  if (err.code === AUTHENTICATION_FAILED)
    return 'check --clickhouse-user and the password (UNSILO_CLICKHOUSE_PASSWORD)';
  if (err.code === ACCESS_DENIED)
    return 'the user lacks a grant: unsilo needs CREATE, ALTER, INSERT and SELECT on its database (docs/troubleshooting.md)';
  return 'see docs/troubleshooting.md, "ClickHouse"';
}
