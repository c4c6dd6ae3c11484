/**
 * `unsilo relay status`: what the relay reports at GET /relay/status (upstream reachable or not since
 * when, buffered batches and bytes, the oldest, sent, dropped, refused records), and the same from
 * the data directory alone when no relay runs. Rendered as lines for people or JSON for scripts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isAlive } from './relay-lock.js';
import {
  CHANNELS,
  readCounts,
  type Channel,
  type Incident,
  type RelayCounts,
  type UpstreamHealth,
} from './relay-stats.js';

export const DISCOVERY_FILE = 'relay.json';
export const STATE_FILE = 'relay-state.json';

export interface RelayDiscovery {
  pid: number;
  httpUrl: string;
  grpcPort: number;
  upstream: string;
}

export interface RelayStatus {
  running: boolean;
  pid: number | null;
  upstream: string | null;
  httpUrl: string | null;
  health: UpstreamHealth | null;
  buffered: { batches: number | null; bytes: number; oldest: string | null };
  sent: { batches: number; records: number };
  dropped: { batches: number; records: number; last: Incident | null };
  rejected: { records: number; last: Incident | null };
  signals: RelayCounts['signals'];
}

const sum = (c: RelayCounts, key: keyof RelayCounts['signals'][Channel]): number =>
  CHANNELS.reduce((n, s) => n + c.signals[s][key], 0);

export function statusOf(
  counts: RelayCounts,
  live: {
    pid: number | null;
    upstream: string | null;
    httpUrl: string | null;
    health: UpstreamHealth | null;
    batches: number | null;
    bytes: number;
    oldest: number | null;
  },
): RelayStatus {
  return {
    running: live.pid !== null,
    pid: live.pid,
    upstream: live.upstream,
    httpUrl: live.httpUrl,
    health: live.health,
    buffered: {
      batches: live.batches,
      bytes: live.bytes,
      oldest: live.oldest === null ? null : new Date(live.oldest).toISOString(),
    },
    sent: { batches: sum(counts, 'sentBatches'), records: sum(counts, 'sentRecords') },
    dropped: {
      batches: sum(counts, 'droppedBatches'),
      records: sum(counts, 'droppedRecords'),
      last: counts.lastDrop,
    },
    rejected: { records: sum(counts, 'rejectedRecords'), last: counts.lastRejection },
    signals: counts.signals,
  };
}

export function readDiscovery(dataDir: string): RelayDiscovery | null {
  try {
    const d = JSON.parse(readFileSync(path.join(dataDir, DISCOVERY_FILE), 'utf8')) as RelayDiscovery;
    return typeof d.pid === 'number' && isAlive(d.pid) ? d : null;
  } catch {
    return null;
  }
}

function bytesUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    n += e.isDirectory() ? bytesUnder(full) : e.name.endsWith('.wal') ? statSync(full).size : 0;
  }
  return n;
}

/** The running relay's own report, else what the data directory shows. */
export async function relayStatus(dataDir: string): Promise<RelayStatus> {
  const d = readDiscovery(dataDir);
  if (d) {
    try {
      const res = await fetch(`${d.httpUrl}/relay/status`, { signal: AbortSignal.timeout(3000) });
      if (res.ok) return (await res.json()) as RelayStatus;
    } catch {
      // fall through to the files
    }
  }
  return statusOf(readCounts(path.join(dataDir, STATE_FILE)), {
    pid: null,
    upstream: null,
    httpUrl: null,
    health: null,
    batches: null,
    bytes: bytesUnder(path.join(dataDir, 'buffer')),
    oldest: null,
  });
}

const size = (n: number): string =>
  n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`;

export function renderStatus(s: RelayStatus, dataDir: string): string {
  const lines = [
    s.running
      ? `relay running (pid ${s.pid}) at ${s.httpUrl}, forwarding to ${s.upstream}`
      : `no relay running for ${dataDir}`,
  ];
  const h = s.health;
  if (h && h.reachable !== null) {
    lines.push(
      h.reachable
        ? `upstream reachable since ${h.since}; last batch sent ${h.lastSentAt ?? 'never'}`
        : `upstream UNREACHABLE since ${h.since}: ${h.lastError ?? ''}`,
    );
  } else if (s.running) lines.push('upstream: nothing sent yet');
  const batches = s.buffered.batches === null ? '' : `${s.buffered.batches} batches, `;
  lines.push(
    `buffered: ${batches}${size(s.buffered.bytes)}${s.buffered.oldest ? `; oldest ${s.buffered.oldest}` : ''}`,
    `sent: ${s.sent.batches} batches, ${s.sent.records} records`,
    `dropped: ${s.dropped.batches} batches, ${s.dropped.records} records` +
      (s.dropped.last
        ? ` (last ${s.dropped.last.at}, ${s.dropped.last.signal}: ${s.dropped.last.reason})`
        : ''),
  );
  if (s.rejected.records > 0 && s.rejected.last) {
    lines.push(
      `refused by the collector: ${s.rejected.records} records (last ${s.rejected.last.at}: ${s.rejected.last.reason})`,
    );
  }
  return lines.join('\n');
}
