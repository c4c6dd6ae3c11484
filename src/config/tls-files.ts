/**
 * The collector's TLS material, read once at start-up: the PEM certificate chain and key named by
 * `tls.certFile` / `tls.keyFile`. A file that cannot be read, or a pair that does not form a usable
 * TLS context (not PEM, key of another certificate), stops start-up with a ConfigError naming the key.
 */
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { ConfigError, type ServeConfig } from './config.js';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

function readPem(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError(`${key}: cannot read ${file}: ${(err as Error).message}`);
  }
}

/** The certificate and key, or null when TLS is off. */
export function loadTlsFiles(cfg: ServeConfig['tls']): TlsFiles | null {
  if (cfg.certFile === undefined || cfg.keyFile === undefined) return null;
  const files = { cert: readPem(cfg.certFile, 'tls.certFile'), key: readPem(cfg.keyFile, 'tls.keyFile') };
  try {
    tls.createSecureContext(files);
  } catch (err) {
    throw new ConfigError(
      `tls.certFile / tls.keyFile: ${cfg.certFile} and ${cfg.keyFile} are not a PEM certificate and its key ` +
        `(${(err as Error).message}); give the certificate chain and the private key it was issued for`,
    );
  }
  return files;
}
