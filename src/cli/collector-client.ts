/**
 * JSON calls to a collector's HTTP API for the CLI, with the token the caller holds, and streamed
 * GETs (exports). An unreachable collector or an error reply becomes a CliError that says what to do.
 */
import { CliError } from './cli-error.js';

export interface CollectorClient {
  /** The server URL without a trailing slash. */
  base: string;
  call<T>(method: 'GET' | 'POST', pathname: string, body?: unknown): Promise<T>;
  /** The body of a GET, as it arrives. */
  stream(pathname: string): Promise<AsyncIterable<Uint8Array>>;
}

export function collectorClient(server: string, token: string | undefined): CollectorClient {
  const base = server.replace(/\/+$/, '');
  const send = async (method: 'GET' | 'POST', pathname: string, body?: unknown): Promise<Response> => {
    let res: Response;
    try {
      res = await fetch(`${base}${pathname}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
      throw new CliError(
        `cannot reach the collector at ${base} (${cause}); start it with \`npx unsilo serve\`, or pass --server URL / --data-dir DIR`,
      );
    }
    if (!res.ok) {
      const json = (await res.json().catch(() => ({}))) as { error?: string };
      throw new CliError(json.error ?? `the collector answered HTTP ${res.status}`);
    }
    return res;
  };
  return {
    base,
    async call<T>(method: 'GET' | 'POST', pathname: string, body?: unknown): Promise<T> {
      const res = await send(method, pathname, body);
      return (await res.json().catch(() => ({}))) as T;
    },
    async stream(pathname: string): Promise<AsyncIterable<Uint8Array>> {
      const res = await send('GET', pathname);
      if (!res.body) throw new CliError(`the collector sent no body for ${pathname}`);
      return res.body;
    },
  };
}
