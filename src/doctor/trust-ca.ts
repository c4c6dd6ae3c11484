/**
 * Doctor checks the chain as Claude Code sees it, so it trusts what Claude Code trusts: the CA file
 * of OTEL_EXPORTER_OTLP_CERTIFICATE (written by `unsilo setup --ca-cert`) next to the system roots,
 * for fetch (undici's global dispatcher, which Node's fetch shares), node:https and gRPC.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';
import { Agent, setGlobalDispatcher } from 'undici';

let extraCa: Buffer | null = null;

/** Trusts the PEM CA in `file` for the rest of this process; false when it cannot be read. */
export function trustCaFile(file: string): boolean {
  try {
    extraCa = readFileSync(file);
  } catch {
    return false;
  }
  const ca = [...tls.rootCertificates, extraCa.toString('utf8')];
  setGlobalDispatcher(new Agent({ connect: { ca } }));
  https.globalAgent.options.ca = ca;
  return true;
}

/** Root certificates for a gRPC TLS channel: the trusted CA file, else the system roots (null). */
export const grpcRootCerts = (): Buffer | null => extraCa;
