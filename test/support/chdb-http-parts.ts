/** Pieces of the ClickHouse HTTP interface for the test endpoint (chdb-endpoint.ts). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';

/** multipart/form-data → name → value (the client sends `query` and `param_*` parts this way). */
export function parseMultipart(body: Buffer, contentType: string): Record<string, string> {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1];
  if (!boundary) return {};
  const parts: Record<string, string> = {};
  for (const chunk of body.toString('utf8').split(`--${boundary}`)) {
    const head = chunk.indexOf('\r\n\r\n');
    if (head < 0) continue;
    const name = /name="([^"]+)"/.exec(chunk.slice(0, head))?.[1];
    if (name) parts[name] = chunk.slice(head + 4).replace(/\r\n$/, '');
  }
  return parts;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f' };

/**
 * A `param_*` value as sent (ClickHouse's escaped text form; `\N` is NULL) → the value chDB binds
 * (it escapes strings again itself).
 */
export function decodeParam(text: string): string | null {
  if (text === '\\N') return null;
  return text.replace(/\\(.)/gs, (_m, c: string) => ESCAPES[c] ?? c);
}

export const settingValue = (v: string): string =>
  /^-?\d+(\.\d+)?$/.test(v) ? v : `'${v.replaceAll("'", "''")}'`;

export function credentials(req: IncomingMessage, url: URL): { user: string; password: string } {
  const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
  if (basic) {
    const [user = '', ...rest] = Buffer.from(basic[1] as string, 'base64')
      .toString('utf8')
      .split(':');
    return { user, password: rest.join(':') };
  }
  const header = (n: string): string | undefined => req.headers[n] as string | undefined;
  return {
    user: header('x-clickhouse-user') ?? url.searchParams.get('user') ?? 'default',
    password: header('x-clickhouse-key') ?? url.searchParams.get('password') ?? '',
  };
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

export function fail(res: ServerResponse, status: number, err: unknown): void {
  const e = err as { message?: string; clickhouseCode?: number };
  const message = e.message ?? String(err);
  const code = e.clickhouseCode ?? Number(/^Code: (\d+)/.exec(message)?.[1] ?? 1000);
  res.writeHead(status, { 'Content-Type': 'text/plain', 'X-ClickHouse-Exception-Code': String(code) });
  res.end(`${message}\n`);
}
