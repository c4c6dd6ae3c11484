/** The telemetry variables as POSIX shell exports (for a shell profile or CI instead of settings.json). */
import { shellQuote } from './setup-paths.js';

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellExports(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([k, v]) => `export ${k}=${SAFE.test(v) ? v : shellQuote(v)}`)
    .join('\n');
}
