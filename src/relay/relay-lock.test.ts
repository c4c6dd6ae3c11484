import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock, lockHolder } from './relay-lock.js';

const dir = mkdtempSync(path.join(tmpdir(), 'relay-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('acquireLock', () => {
  it('lets one holder in, refuses a second while it lives, and frees the lock on release', () => {
    const file = path.join(dir, 'a.lock');
    const first = acquireLock(file);
    expect(first.ok).toBe(true);
    expect(lockHolder(file)).toBe(process.pid);
    expect(acquireLock(file)).toEqual({ ok: false, heldBy: process.pid });
    if (first.ok) first.release();
    expect(lockHolder(file)).toBeNull();
  });

  it('takes over a lock whose process is gone', () => {
    const file = path.join(dir, 'b.lock');
    writeFileSync(file, '999999999\n');
    const taken = acquireLock(file);
    expect(taken.ok).toBe(true);
    expect(lockHolder(file)).toBe(process.pid);
    if (taken.ok) taken.release();
  });
});
