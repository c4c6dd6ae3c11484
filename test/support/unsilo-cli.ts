/**
 * The unsilo CLI run in a folder (`node bin/unsilo.js …` with this process's environment, no token
 * from it, plus `env`), and its `--format json` output parsed after checking it ran cleanly.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { BIN } from './collector-fixture.js';
import type { Ran } from './member-cli.js';

const exec = promisify(execFile);

export async function unsiloIn(
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<Ran> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, UNSILO_TOKEN: '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

export async function unsiloJson<T>(
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<T> {
  const r = await unsiloIn(cwd, [...args, '--format', 'json'], env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
}
