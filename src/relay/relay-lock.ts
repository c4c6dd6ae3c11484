/**
 * One relay per data directory: `relay.lock` holds the pid of the relay that owns the buffer, created
 * with O_EXCL. A lock whose process is gone (a kill -9, a reboot) is stale and taken over: it is moved
 * aside first (rename is atomic), and put back if what was moved turns out to be another starter's
 * fresh lock, so two relays starting at once never both own the buffer.
 */
import { linkSync, openSync, readFileSync, renameSync, rmSync, writeSync, closeSync } from 'node:fs';

export const LOCK_FILE = 'relay.lock';

export type LockResult = { ok: true; release(): void } | { ok: false; heldBy: number };

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in a lock file, or null. */
export function lockHolder(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function create(file: string): boolean {
  try {
    const fd = openSync(file, 'wx', 0o600);
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

export function acquireLock(file: string): LockResult {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (create(file)) {
      return {
        ok: true,
        release: () => {
          if (lockHolder(file) === process.pid) rmSync(file, { force: true });
        },
      };
    }
    const pid = lockHolder(file);
    if (pid !== null && isAlive(pid)) return { ok: false, heldBy: pid };
    const aside = `${file}.stale-${process.pid}`;
    try {
      renameSync(file, aside);
    } catch {
      continue; // gone meanwhile: try to create it again
    }
    const moved = lockHolder(aside);
    if (moved !== pid && moved !== null && isAlive(moved)) {
      try {
        linkSync(aside, file);
      } catch {
        // a third starter created one meanwhile; theirs stands
      }
      rmSync(aside, { force: true });
      return { ok: false, heldBy: moved };
    }
    rmSync(aside, { force: true });
  }
  const pid = lockHolder(file);
  return { ok: false, heldBy: pid ?? 0 };
}
