/** `unsilo patterns watch` as text: the weekly rates, the regression rule's figures, the status. */
import type { watchPattern } from '../analysis/patterns/pattern-watch.js';
import { renderWeeks } from './render-weeks.js';

type Watch = Awaited<ReturnType<typeof watchPattern>>;

export function renderWatch(raw: unknown): string {
  const w = raw as Watch;
  const lines = [
    `${w.pattern} · detector ${w.detector} · weeks from ${w.since.slice(0, 10)}`,
    renderWeeks(w.weeks),
  ];
  if (!w.validating)
    lines.push(
      'no validated measurement of a change for this pattern with this detector: nothing to regress from',
    );
  else if (w.rule) lines.push(w.rule.reason);
  lines.push(`status: ${w.status}${w.flipped ? ' (flipped to regressed now)' : ''}`);
  return lines.join('\n');
}
