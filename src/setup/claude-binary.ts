/**
 * Finding the `claude` command on PATH and asking its version (`2.1.328 (Claude Code)` → 2.1.328).
 * unsilo's own node_modules/.bin is skipped: `npx unsilo …` in the clone puts it first on PATH, and the
 * Claude Code pinned there for the tests is not the one the member runs.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Env } from './setup-paths.js';

const OWN_BIN = path.resolve(fileURLToPath(new URL('../../node_modules/.bin', import.meta.url)));

export function findClaude(env: Env): string | null {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter((d) => d && path.resolve(d) !== OWN_BIN);
  for (const dir of dirs) {
    const candidate = path.join(dir, 'claude');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

/** The version `bin --version` prints, or null when it fails. */
export const claudeVersion = (bin: string, env: Env): Promise<string | null> =>
  new Promise((resolve) =>
    execFile(bin, ['--version'], { timeout: 15_000, env }, (err, stdout) =>
      resolve(err ? null : (/\d+\.\d+\.\d+\S*/.exec(String(stdout))?.[0] ?? null)),
    ),
  );
