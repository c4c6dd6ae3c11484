/** `unsilo retention status` and `run` as text: sizes, limits, schedule, and what a run does or did. */
import type { RetentionRunReport, RetentionStatus } from '../retention/retention-report.js';
import type { TableCounts } from '../store/store-retention.js';
import { formatResult } from './format.js';

/** Decimal units, as the size limit is given (100 GB). */
export function humanBytes(n: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

const int = (n: number): string => n.toLocaleString('en-US');
const rows = (n: number): string => `${int(n)} row${n === 1 ? '' : 's'}`;
const day = (iso: string): string => iso.slice(0, 10);
const counts = (c: TableCounts): string =>
  Object.entries(c)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${t} ${int(n)}`)
    .join(', ');

/** The lines of a run: done (or, for a dry run, to do). */
function runLines(r: RetentionRunReport): string[] {
  const done = !r.dryRun;
  const lines = r.slices.map(
    (s) =>
      `  ${done ? (s.done ? 'archived and deleted' : 'not done:') : 'archive and delete'} ${s.table} ${s.month} ` +
      `(${day(s.from)} → ${day(s.until)}): ${rows(s.rows)}, ${s.reason} limit` +
      (s.file ? ` → ${s.file}` : ' (no archive)'),
  );
  const content = counts(r.contentCleared);
  if (content && r.plan.contentCutoff)
    lines.push(
      `  ${done ? 'cleared' : 'clear'} the content of rows before ${day(r.plan.contentCutoff)}: ${content}`,
    );
  const compact = done ? r.compacted : r.plan.compact;
  if (compact.length > 0) lines.push(`  ${done ? 'compacted' : 'compact'} ${compact.join(', ')}`);
  if (lines.length === 0) return [done ? '  nothing to do' : '  nothing'];
  const after = r.bytesAfter ?? r.plan.estimatedBytesAfter;
  lines.push(`  ${done ? 'store now' : 'store afterwards about'} ${humanBytes(after)}`);
  if (r.overLimit)
    lines.push(
      '  still over the size limit with only the current month left: raise maxBytes or lower maxAgeDays',
    );
  return lines;
}

export function renderRun(r: RetentionRunReport): string {
  const head = r.dryRun ? `Dry run ${r.runId} (nothing changed); a run would:` : `Retention run ${r.runId}:`;
  return [head, ...runLines(r), ...(r.error ? [`  failed: ${r.error}`] : [])].join('\n');
}

export function renderStatus(s: RetentionStatus): string {
  const p = s.policy;
  const limit = p.maxBytes > 0 ? `of the ${humanBytes(p.maxBytes)} limit` : '(no size limit)';
  const schedule = s.nextRunAt
    ? `next run ${s.nextRunAt}, then every ${s.intervalMinutes} min`
    : s.intervalMinutes === null
      ? 'not scheduled (retention.enabled is false)'
      : `no collector is running; it runs retention 5 min after start, then every ${s.intervalMinutes} min`;
  const last = s.lastRun
    ? `${s.lastRun.runId} at ${s.lastRun.finishedAt}: ` +
      (s.lastRun.error
        ? `failed: ${s.lastRun.error}`
        : `deleted rows: ${counts(s.lastRun.deleted) || 'none'}; content cleared: ${counts(s.lastRun.contentCleared) || 'none'}`)
    : 'none yet';
  const table = formatResult(
    {
      columns: ['table', 'rows', 'est. size', 'oldest', 'newest'],
      rows: s.usage.tables.map((t) => [t.table, int(t.rows), humanBytes(t.bytes), t.oldest, t.newest]),
    },
    'table',
  );
  return [
    `Store: ${humanBytes(s.usage.usedBytes)} used ${limit}; ${humanBytes(s.usage.fileBytes)} on disk`,
    `  measured as ${s.usage.measure}`,
    `Limits: age ${p.maxAgeDays > 0 ? `${p.maxAgeDays} days` : 'none'}, content ${p.contentMaxAgeDays > 0 ? `${p.contentMaxAgeDays} days` : 'kept'}; ` +
      `archive: ${s.archiveDir ?? 'off (rows are deleted without one)'}`,
    `Schedule: ${schedule}${s.running ? ' (a run is in progress)' : ''}`,
    `Last run: ${last}`,
    table,
    'A run now would:',
    ...runLines(s.wouldRun),
  ].join('\n');
}
