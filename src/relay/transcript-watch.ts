/**
 * `unsilo relay --watch`: gap fill while the relay runs. Every `watch.intervalMs` the transcripts
 * folder is imported (import/run-import.ts) into the relay's own buffer, so it reaches the collector
 * the way telemetry does, offline or not. Only transcripts quiet for `watch.quietMs` are read: their
 * telemetry has long been buffered, so the import adds only what never arrived (the collector keys
 * both by their shared ids), and telemetry's exact cost wins over the estimate. What was read is kept
 * in the relay's data directory (import-state.json), so each transcript is read again only when it grows.
 */
import path from 'node:path';
import type { RelayConfig } from '../config/relay-config.js';
import { importTranscripts } from '../import/run-import.js';
import type { RelayBuffer } from './relay-buffer.js';

export interface WatchPrivacy {
  logPrompts: boolean;
  logToolDetails: boolean;
}

export class TranscriptWatch {
  private timer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;

  constructor(
    private readonly cfg: RelayConfig['watch'] & { path: string },
    private readonly buffer: RelayBuffer,
    private readonly dataDir: string,
    private readonly privacy: WatchPrivacy,
    private readonly log: (msg: string) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.scan(), this.cfg.intervalMs);
    this.timer.unref();
    void this.scan();
  }

  /** One pass over the folder (skipped while the previous one still runs). */
  scan(): Promise<void> {
    this.scanning ??= importTranscripts({
      root: this.cfg.path,
      since: null,
      server: 'relay-buffer',
      token: null,
      ...this.privacy,
      dryRun: false,
      stateFile: path.join(this.dataDir, 'import-state.json'),
      quietMs: this.cfg.quietMs,
      sink: (request, records) => this.buffer.append('logs', request, records),
    })
      .then(
        (s) => {
          if (s.events > 0) this.log(`gap fill: ${s.events} events from ${s.files} transcripts buffered`);
        },
        (err: unknown) => this.log(`gap fill failed: ${(err as Error).message}`),
      )
      .finally(() => {
        this.scanning = null;
      });
    return this.scanning;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.scanning;
  }
}
