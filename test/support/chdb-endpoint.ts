/**
 * A small ClickHouse HTTP endpoint for tests, answered by the real ClickHouse engine in-process
 * (chDB), so that `@clickhouse/client` and everything unsilo sends through it is executed by
 * ClickHouse itself. It speaks what the client uses of the HTTP interface: the query in the URL
 * and/or the body (INSERT data after it), `param_*` values in the URL or a multipart body, settings
 * and `database` as URL parameters, gzip request bodies, basic-auth or X-ClickHouse-User/Key, /ping,
 * and ClickHouse's error text with `X-ClickHouse-Exception-Code`.
 *
 * Each request runs on a fresh chDB connection to the process's one data directory, so settings
 * (readonly, max_execution_time, final, …) apply to that request only, as on a server. Like a server,
 * it refuses several statements in one request (ClickHouse's own parser, through formatQuery, says
 * whether there are several). `stop()` closes the socket (clients get ECONNREFUSED) and `resume()`
 * listens again on the same port: ClickHouse going down and coming back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Session } from 'chdb';
import { credentials, decodeParam, fail, parseMultipart, readBody, settingValue } from './chdb-http-parts.js';

/** URL parameters that are not settings, or settings only a server's HTTP layer knows. */
const NOT_SETTINGS = new Set([
  'query',
  'database',
  'default_format',
  'query_id',
  'session_id',
  'session_timeout',
  'role',
  'user',
  'password',
  'compress',
  'decompress',
  'wait_end_of_query',
  'enable_http_compression',
  'send_progress_in_http_headers',
  'http_headers_progress_interval_ms',
  'client_protocol_version',
]);

let dataDir: string | null = null;
/** The process's chDB data directory (chDB binds one per process). */
export function chdbDataDir(): string {
  if (!dataDir) {
    dataDir = mkdtempSync(path.join(tmpdir(), 'unsilo-chdb-'));
    const dir = dataDir;
    // Held open for the process: while one connection to the directory lives, opening another is
    // cheap (under 1 ms); after the last one closes, the next reloads every database (~50 ms+).
    const anchor = new Session(dir);
    process.on('exit', () => {
      anchor.close();
      rmSync(dir, { recursive: true, force: true });
    });
  }
  return dataDir;
}

export interface ChdbEndpoint {
  url: string;
  /** Statements received (for assertions that a path really went through ClickHouse). */
  statements: number;
  stop(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

export interface ChdbEndpointOptions {
  /** Credentials the endpoint accepts (default: user `default`, empty password). */
  user?: string;
  password?: string;
}

export async function startChdbEndpoint(opts: ChdbEndpointOptions = {}): Promise<ChdbEndpoint> {
  const expected = { user: opts.user ?? 'default', password: opts.password ?? '' };
  let queue: Promise<unknown> = Promise.resolve();
  const endpoint: ChdbEndpoint = {
    url: '',
    statements: 0,
    stop: async () => undefined,
    resume: async () => undefined,
    close: async () => undefined,
  };

  async function execute(
    url: URL,
    body: Buffer,
    contentType: string,
  ): Promise<{ out: Buffer; written: number }> {
    const params: Record<string, unknown> = {};
    let sql = url.searchParams.get('query') ?? '';
    let data = body.length > 0 ? body.toString('utf8') : '';
    if (contentType.startsWith('multipart/form-data')) {
      const parts = parseMultipart(body, contentType);
      sql = parts.query ?? sql;
      for (const [k, v] of Object.entries(parts))
        if (k.startsWith('param_')) params[k.slice(6)] = decodeParam(v);
      data = '';
    }
    for (const [k, v] of url.searchParams) if (k.startsWith('param_')) params[k.slice(6)] = decodeParam(v);
    // ClickHouse: the URL's query, then the body (an INSERT's data); or the body alone.
    const statement = sql && data ? `${sql}\n${data}` : sql || data;
    const session = new Session(chdbDataDir());
    try {
      if (!(sql && data)) {
        // A server takes one statement per request; ClickHouse's parser tells whether this is one.
        await session.queryBindAsync('SELECT formatQuery({q:String})', { q: statement }, { format: 'Null' });
      }
      // clickhouse-local reads `1 + 1` as `SELECT 1 + 1`; a server does not.
      const settings = ['implicit_select = 0'];
      for (const [k, v] of url.searchParams) {
        if (!NOT_SETTINGS.has(k) && !k.startsWith('param_')) settings.push(`${k} = ${settingValue(v)}`);
      }
      await session.queryAsync(`SET ${settings.join(', ')}`);
      const db = url.searchParams.get('database');
      if (db) await session.queryAsync(`USE \`${db.replaceAll('`', '')}\``);
      const format = url.searchParams.get('default_format') ?? 'TabSeparated';
      const r =
        Object.keys(params).length > 0
          ? await session.queryBindAsync(statement, params, { format })
          : await session.queryAsync(statement, { format });
      endpoint.statements++;
      return { out: Buffer.from(r.bytes()), written: r.rowsRead };
    } finally {
      session.close();
    }
  }

  const server = createServer({ maxHeaderSize: 1024 * 1024 }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/ping') {
      res.end('Ok.\n');
      return;
    }
    const who = credentials(req, url);
    if (who.user !== expected.user || who.password !== expected.password) {
      req.resume();
      fail(res, 401, {
        message: `Code: 516. DB::Exception: ${who.user}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)`,
        clickhouseCode: 516,
      });
      return;
    }
    const run = async (): Promise<void> => {
      const body = await readBody(req);
      try {
        const { out, written } = await execute(url, body, String(req.headers['content-type'] ?? ''));
        res.writeHead(200, {
          'Content-Type': 'text/plain; charset=UTF-8',
          'X-ClickHouse-Query-Id': url.searchParams.get('query_id') ?? '',
          'X-ClickHouse-Summary': JSON.stringify({ written_rows: String(written), read_rows: '0' }),
        });
        res.end(out);
      } catch (err) {
        fail(res, 500, err);
      }
    };
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
  });

  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const port = await listen(0);
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  endpoint.url = `http://127.0.0.1:${port}`;
  endpoint.stop = close;
  endpoint.resume = async () => {
    await listen(port);
  };
  endpoint.close = close;
  return endpoint;
}

let shared: Promise<ChdbEndpoint> | null = null;
/** One endpoint per test process, shared by the store cases (each uses its own database). */
export const sharedChdbEndpoint = (): Promise<ChdbEndpoint> => (shared ??= startChdbEndpoint());
