/**
 * What setup changed, so `unsilo setup --undo` can put it back. The first time setup writes a file it
 * copies the file as it was into the backup folder (0600; it may hold secrets) and remembers the
 * values of the variables it touched. Undo restores the backup byte for byte when the file is still
 * exactly what setup wrote; when something else changed it since, undo takes out only setup's
 * variables and hooks and leaves the rest as it is now.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseSettings, serializeSettings, writeFileAtomic } from './settings-file.js';
import { unmergeSettings, type Previous } from './settings-merge.js';
import type { SetupPaths } from './setup-paths.js';

export interface FileRecord {
  kind: 'settings' | 'client';
  /** The copy of the file before setup, or null when there was no file. */
  backup: string | null;
  /** SHA-256 of what setup last wrote. */
  written: string;
  /** True while nothing but setup changed the file. */
  pristine: boolean;
  previous?: Previous;
  /** When setup first wrote the file (ISO-8601). */
  since: string;
}

export interface SetupState {
  version: 1;
  files: Record<string, FileRecord>;
}

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

export function loadState(paths: SetupPaths): SetupState {
  if (!existsSync(paths.setupState)) return { version: 1, files: {} };
  return JSON.parse(readFileSync(paths.setupState, 'utf8')) as SetupState;
}

const saveState = (paths: SetupPaths, state: SetupState): void =>
  writeFileAtomic(paths.setupState, `${JSON.stringify(state, null, 2)}\n`, 0o600);

const combine = (older: Previous | undefined, newer: Previous | undefined): Previous | undefined =>
  older && newer ? { ...older, env: { ...newer.env, ...older.env } } : (older ?? newer);

/** Records a write of `file` (from `before`, null = absent, to `after`); backs it up the first time. */
export function recordWrite(
  paths: SetupPaths,
  file: string,
  kind: FileRecord['kind'],
  before: string | null,
  after: string,
  previous?: Previous,
): FileRecord {
  const state = loadState(paths);
  const old = state.files[file];
  let record: FileRecord;
  if (old) {
    record = {
      ...old,
      written: sha(after),
      pristine: old.pristine && before !== null && sha(before) === old.written,
      previous: combine(old.previous, previous),
    };
  } else {
    let backup: string | null = null;
    if (before !== null) {
      backup = path.join(paths.backupDir, `${path.basename(file)}-${sha(file).slice(0, 8)}.bak`);
      writeFileAtomic(backup, before, 0o600);
    }
    record = { kind, backup, written: sha(after), pristine: true, previous, since: new Date().toISOString() };
  }
  state.files[file] = record;
  saveState(paths, state);
  return record;
}

export interface UndoResult {
  file: string;
  action: 'restored' | 'removed' | 'unmerged' | 'missing' | 'kept';
  note?: string;
}

function undoOne(file: string, r: FileRecord): UndoResult {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : null;
  const original = r.backup !== null && existsSync(r.backup) ? readFileSync(r.backup, 'utf8') : null;
  if (current === null) return { file, action: 'missing', note: 'the file is gone; nothing to undo' };
  if (r.kind === 'client' || (r.pristine && sha(current) === r.written)) {
    if (original === null) {
      rmSync(file, { force: true });
      return { file, action: 'removed' };
    }
    writeFileAtomic(file, original);
    return { file, action: 'restored' };
  }
  // Changed since setup by someone else: take out only what setup added.
  let parsed;
  try {
    parsed = parseSettings(file, current);
  } catch (err) {
    return { file, action: 'kept', note: `${(err as Error).message} The backup is ${r.backup ?? 'none'}.` };
  }
  const next = unmergeSettings(parsed.data, r.previous ?? { env: {}, hadEnv: true, hadHooks: true }, file);
  writeFileAtomic(file, serializeSettings(next, parsed));
  return {
    file,
    action: 'unmerged',
    note: 'it changed since setup: only unsilo’s variables and hooks were taken out',
  };
}

/** Undoes every file setup wrote; forgets them (and their backups) once done. */
export function undoAll(paths: SetupPaths): UndoResult[] {
  const state = loadState(paths);
  const results: UndoResult[] = [];
  for (const [file, record] of Object.entries(state.files)) {
    const result = undoOne(file, record);
    results.push(result);
    if (result.action === 'kept') continue;
    if (record.backup) rmSync(record.backup, { force: true });
    delete state.files[file];
  }
  if (Object.keys(state.files).length === 0) rmSync(paths.setupState, { force: true });
  else saveState(paths, state);
  if (existsSync(paths.backupDir) && readdirSync(paths.backupDir).length === 0)
    rmSync(paths.backupDir, { recursive: true });
  return results;
}
