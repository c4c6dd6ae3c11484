/**
 * The key of `hash` field rules, resolved once at start-up: `redaction.hashKey` when configured, else
 * the data directory's `redaction-key` (32 random bytes as hex, mode 0600), created the first time a
 * hash rule needs it and kept, so a value hashes the same across restarts and joins on it still work.
 * The only I/O of the redact stage; the stage itself gets the key as data.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RedactionConfig, RedactionSettings } from './redaction-config.js';

const KEY_PATTERN = /^[0-9a-f]{64}$/;

function readOrCreateKey(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  chmodSync(file, 0o600);
  const key = readFileSync(file, 'utf8').trim();
  if (!KEY_PATTERN.test(key)) {
    throw new Error(
      `${file} is not a redaction key (64 hex digits); restore it from a backup, or set redaction.hashKey`,
    );
  }
  return key;
}

/** The settings the pipeline compiles: the config with its hash key resolved (null when no rule hashes). */
export function redactionSettings(config: RedactionConfig, keyFile: string): RedactionSettings {
  const { hashKey, ...rest } = config;
  const needsKey = config.fields.some((f) => f.action === 'hash');
  return { ...rest, hashKey: hashKey ?? (needsKey ? readOrCreateKey(keyFile) : null) };
}
