/**
 * JSON calls to a collector's HTTP API for the CLI, with the token the caller holds. An unreachable
 * collector or an error reply becomes a CliError that says what to do.
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
      const json = (await res.json().catch(() => ({}))) as T & { error?: string };
      if (!res.ok) throw new CliError(json.error ?? `the collector answered HTTP ${res.status}`);
      return json;
    },
  };
}
