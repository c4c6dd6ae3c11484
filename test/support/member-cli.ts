/**
 * The unsilo CLI as a member runs it: `node bin/unsilo.js …` in a given HOME, with the pinned Claude
 * Code on PATH and nothing else from this process's environment (plus what a test adds).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { claudeBinary } from './claude-runner.js';
import { BIN } from './collector-fixture.js';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** A folder holding `claude` (the pinned binary), to put on PATH. */
export function claudeOnPath(dir: string): string {
  mkdirSync(dir, { recursive: true });
  symlinkSync(claudeBinary(), path.join(dir, 'claude'));
  return dir;
}

export const memberEnv = (home: string, claudeDir: string): Record<string, string> => ({
  PATH: `${claudeDir}${path.delimiter}${process.env.PATH ?? '/usr/bin:/bin'}`,
  HOME: home,
  LANG: 'C.UTF-8',
});

export function runUnsilo(
  args: string[],
  o: { home: string; claudeDir: string; input?: string; cwd?: string; env?: Record<string, string> },
): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...memberEnv(o.home, o.claudeDir), ...o.env }, cwd: o.cwd ?? o.home, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(o.input ?? '');
  });
}
