/** `unsilo review status` and `review queues` as text: progress, reviewers, who holds what, saturation. */
import { renderTable } from './analysis-cli.js';

interface Status {
  queue: string;
  total: number;
  done: number;
  deferred: number;
  pending: number;
  failed: number;
  codes: number;
  new_codes_last_20: number;
  saturated: boolean;
  reviewers: Record<string, unknown>[];
  reservations: Record<string, unknown>[];
}

export function renderReviewStatus(raw: unknown): string {
  const s = raw as Status;
  const lines = [
    `${s.queue}: ${s.done}/${s.total} done · ${s.deferred} deferred · ${s.pending} pending · ${s.failed} failed`,
    `codes: ${s.codes} · new in the last 20 reviewed: ${s.new_codes_last_20}${s.saturated ? ' (saturated: no new codes)' : ''}`,
  ];
  if (s.reviewers.length)
    lines.push(renderTable(s.reviewers, ['reviewer', 'reviewed', 'deferred', 'notes', 'holding']));
  lines.push(
    s.reservations.length
      ? renderTable(s.reservations, ['position', 'session_id', 'reviewer', 'reserved_until'])
      : 'no item is reserved',
  );
  return lines.join('\n');
}

export const renderQueues = (raw: unknown): string =>
  (raw as Status[]).map(renderReviewStatus).join('\n\n') ||
  'no review queue yet: unsilo review sample --name …';
