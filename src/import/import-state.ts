/**
 * What `unsilo import transcripts` has sent, per transcript file and collector, in
 * `~/.config/unsilo/import-state.json` (0600), written after each file: a re-run skips the files that
 * have not changed since (size and modification time) and resumes where an interrupted run stopped.
 * Skipping is only a speed-up: sending a file again adds nothing (the collector keys imported events
 * by their shared ids).
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../setup/settings-file.js';

export interface FileMark {
  size: number;
  mtimeMs: number;
  events: number;
  importedAt: string;
}

interface ImportState {
  /** Collector URL → transcript path → what was sent. */
  servers: Record<string, Record<string, FileMark>>;
}

export class ImportLedger {
  private readonly state: ImportState;

  constructor(
    private readonly file: string,
    private readonly server: string,
  ) {
    try {
      this.state = JSON.parse(readFileSync(file, 'utf8')) as ImportState;
      if (typeof this.state.servers !== 'object' || this.state.servers === null) this.state = { servers: {} };
    } catch {
      this.state = { servers: {} };
    }
  }

  private get marks(): Record<string, FileMark> {
    return (this.state.servers[this.server] ??= {});
  }

  /** Whether `path` was sent whole to this collector and has not changed since. */
  done(path: string, size: number, mtimeMs: number): boolean {
    const m = this.marks[path];
    return m !== undefined && m.size === size && m.mtimeMs === mtimeMs;
  }

  mark(path: string, size: number, mtimeMs: number, events: number): void {
    this.marks[path] = { size, mtimeMs, events, importedAt: new Date().toISOString() };
    writeFileAtomic(this.file, `${JSON.stringify(this.state, null, 2)}\n`, 0o600);
  }
}
