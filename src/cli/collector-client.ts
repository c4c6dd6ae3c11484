/**
 * JSON calls to a collector's HTTP API for the CLI, with the token the caller holds, and streamed
 * GETs (exports). An unreachable collector or an error reply becomes a CliError that says what to do.
 */
import { CliError } from './cli-error.js';

/** Node's codes for a certificate the client does not trust (as opposed to a closed port). */
const TLS_TRUST_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

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
      const failure = (err as Error & { cause?: NodeJS.ErrnoException }).cause;
      const cause = failure?.message ?? (err as Error).message;
      if (failure?.code !== undefined && TLS_TRUST_CODES.has(failure.code))
        throw new CliError(
          `cannot trust the collector's certificate at ${base} (${cause}); if it is self-signed or from a private CA, ` +
            'run with NODE_EXTRA_CA_CERTS=/path/to/ca.pem (see docs/setup.md, "TLS")',
        );
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
