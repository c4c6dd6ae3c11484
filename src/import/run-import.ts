/**
 * `unsilo import transcripts`: every `*.jsonl` under the projects folder (subagent transcripts too),
 * oldest first → events (transcript-events.ts) → redacted here with the built-in detectors (the
 * collector applies its own rules again) → OTLP/HTTP protobuf to the collector, like any sender, so
 * the member's token, redaction and attribution apply there as to telemetry. Batches of 500 events;
 * a collector that is down or busy is retried with backoff (Retry-After honoured), then the import
 * stops with a message and resumes on the next run (import-state.ts). `dryRun` sends nothing and
 * returns what would be sent. The relay's --watch runs the same with its disk buffer as the sink.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Attributes, DecodedLogRecord, DecodedLogs } from '../model/otlp.js';
import { encodeOtlp } from '../pipeline/encode/encode-otlp.js';
import { redactBatch } from '../pipeline/redact/redact-batch.js';
import { backoffMs } from '../relay/relay-forwarder.js';
import { sendBatch, type Upstream } from '../relay/upstream-client.js';
import { ImportLedger } from './import-state.js';
import { transcriptEvents } from './transcript-events.js';

export class ImportError extends Error {
  override readonly name = 'ImportError';
}

export interface ImportOptions {
  /** The projects folder (`~/.claude/projects`). */
  root: string;
  /** Leave out files and records older than this (epoch ms). */
  since: number | null;
  server: string;
  token: string | null;
  logPrompts: boolean;
  logToolDetails: boolean;
  dryRun: boolean;
  stateFile: string;
  onProgress?: (p: Progress) => void;
  /** Waits between retries (tests make it instant). */
  sleep?: (ms: number) => Promise<void>;
  /** Where batches go instead of the collector (the relay's buffer, for --watch). */
  sink?: (request: Buffer, records: number) => Promise<void>;
  /** Leave files written to within this many ms for a later run (a session still going on). */
  quietMs?: number;
}

export interface Progress {
  bytesDone: number;
  bytes: number;
  files: number;
  events: number;
}

export interface ImportSummary {
  files: number;
  /** Files unchanged since an earlier import to this collector. */
  skipped: number;
  sessions: number;
  events: number;
  byName: Record<string, number>;
  /** One event of each kind, as it would be sent (dry run). */
  samples: Record<string, Attributes>;
}

const BATCH = 500;
const ATTEMPTS = 8;
const SCOPE = { name: 'com.anthropic.claude_code.events', version: '' };

function transcripts(dir: string): { file: string; size: number; mtimeMs: number }[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return transcripts(file);
    if (!e.isFile() || !e.name.endsWith('.jsonl')) return [];
    const st = statSync(file);
    return [{ file, size: st.size, mtimeMs: st.mtimeMs }];
  });
}

function parseLines(text: string): unknown[] {
  return text.split('\n').flatMap((line) => {
    if (line.trim() === '') return [];
    try {
      return [JSON.parse(line) as unknown];
    } catch {
      return []; // a line Claude Code was still writing
    }
  });
}

async function send(up: Upstream, request: Buffer, sleep: (ms: number) => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await sendBatch(up, 'logs', request);
    if (outcome.kind === 'ok') return;
    if (outcome.kind === 'refused')
      throw new ImportError(`the collector refused the import: ${outcome.reason}`);
    if (attempt >= ATTEMPTS) {
      throw new ImportError(`${outcome.reason}; run the import again later (it resumes where it stopped)`);
    }
    await sleep(outcome.retryAfterMs ?? backoffMs(attempt, 500, 10_000));
  }
}

export async function importTranscripts(o: ImportOptions): Promise<ImportSummary> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const ledger = new ImportLedger(o.stateFile, o.server);
  const up: Upstream = { url: o.server, token: o.token, timeoutMs: 30_000 };
  const quietSince = Date.now() - (o.quietMs ?? 0);
  const files = transcripts(o.root)
    .filter((f) => (o.since === null || f.mtimeMs >= o.since) && (!o.quietMs || f.mtimeMs <= quietSince))
    .sort((a, b) => a.mtimeMs - b.mtimeMs);
  const total = files.reduce((n, f) => n + f.size, 0);
  const summary: ImportSummary = { files: 0, skipped: 0, sessions: 0, events: 0, byName: {}, samples: {} };
  const sessions = new Set<string>();
  let bytesDone = 0;
  for (const f of files) {
    if (!o.dryRun && ledger.done(f.file, f.size, f.mtimeMs)) {
      summary.skipped++;
    } else {
      const { events, version } = transcriptEvents(parseLines(readFileSync(f.file, 'utf8')), o);
      for (let i = 0; i < events.length; i += BATCH) {
        const batch: DecodedLogs = {
          signal: 'logs',
          resources: [
            {
              resource: { 'service.name': 'claude-code', 'service.version': version ?? 'unknown' },
              scopes: [{ scope: { ...SCOPE, version: version ?? '' }, records: events.slice(i, i + BATCH) }],
            },
          ],
        };
        redactBatch(batch, undefined, null);
        const n = batch.resources[0]?.scopes[0]?.records.length ?? 0;
        if (o.dryRun) continue;
        if (o.sink) await o.sink(encodeOtlp(batch), n);
        else await send(up, encodeOtlp(batch), sleep);
      }
      for (const e of events) count(summary, sessions, e);
      summary.files++;
      if (!o.dryRun) ledger.mark(f.file, f.size, f.mtimeMs, events.length);
    }
    bytesDone += f.size;
    o.onProgress?.({
      bytesDone,
      bytes: total,
      files: summary.files + summary.skipped,
      events: summary.events,
    });
  }
  summary.sessions = sessions.size;
  return summary;
}

function count(s: ImportSummary, sessions: Set<string>, e: DecodedLogRecord): void {
  const name = String(e.attributes['event.name']);
  s.events++;
  s.byName[name] = (s.byName[name] ?? 0) + 1;
  s.samples[name] ??= e.attributes;
  sessions.add(String(e.attributes['session.id']));
}
