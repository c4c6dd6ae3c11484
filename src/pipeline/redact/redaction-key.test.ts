import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RedactionConfig } from './redaction-config.js';
import { redactionSettings } from './redaction-key.js';

const keyFile = (): string =>
  path.join(mkdtempSync(path.join(tmpdir(), 'redact-key-')), 'data', 'redaction-key');
const hashing = RedactionConfig.parse({ fields: [{ key: 'user.email', action: 'hash' }] });

describe('the hash key', () => {
  it('is created once in the data directory, mode 0600, and read back the same', () => {
    const file = keyFile();
    const first = redactionSettings(hashing, file).hashKey;
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(redactionSettings(hashing, file).hashKey).toBe(first);
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
  });

  it('is not created when no rule hashes, and the configured key wins', () => {
    const file = keyFile();
    expect(redactionSettings(RedactionConfig.parse({}), file).hashKey).toBeNull();
    expect(() => statSync(file)).toThrow();
    expect(redactionSettings({ ...hashing, hashKey: 'configured-key-0123456789' }, file).hashKey).toBe(
      'configured-key-0123456789',
    );
  });

  it('refuses a damaged key file rather than hashing with another key', () => {
    const file = keyFile();
    redactionSettings(hashing, file);
    writeFileSync(file, 'oops');
    expect(() => redactionSettings(hashing, file)).toThrow(/is not a redaction key/);
  });
});
