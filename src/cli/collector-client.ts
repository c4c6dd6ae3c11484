/**
 * JSON calls to a collector's HTTP API for the CLI, with the token the caller holds. An unreachable
 * collector or an error reply becomes a CliError that says what to do.
 */
import { CliError } from './cli-error.js';

export interface CollectorClient {
  /** The server URL without a trailing slash. */
  base: string;
  call<T>(method: 'GET' | 'POST', pathname: string, body?: unknown): Promise<T>;
}

export function collectorClient(server: string, token: string | undefined): CollectorClient {
  const base = server.replace(/\/+$/, '');
  return {
    base,
    async call<T>(method: 'GET' | 'POST', pathname: string, body?: unknown): Promise<T> {
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
      const json = (await res.json().catch(() => ({}))) as T & { error?: string };
      if (!res.ok) throw new CliError(json.error ?? `the collector answered HTTP ${res.status}`);
      return json;
    },
  };
}
