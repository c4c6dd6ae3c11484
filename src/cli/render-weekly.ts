/** `changes weekly` as text: the change and its levels, then one row per week bin with its rate and interval. */
import type { WeeklyRates } from '../analysis/changes/weekly-rates.js';
import { renderTable } from './analysis-cli.js';

const pct = (p: number | null): string => (p === null ? '' : `${(p * 100).toFixed(1)} %`);

export function renderWeekly(raw: unknown): string {
  const w = raw as WeeklyRates;
  const head = [
    `${w.change_id} · ${w.metric} (${w.detector}) · effective ${w.effective}`,
    `sessions: ${w.sessions.before} before, ${w.sessions.after} after (${w.sessions.excluded_spanning} spanning the change, excluded)`,
    `before rate: ${w.before_rate === null ? 'none' : pct(w.before_rate)}` +
      (w.target_rate === null || w.target === null
        ? ''
        : ` · target ${w.target > 0 ? '+' : ''}${(w.target * 100).toFixed(0)} % → ${pct(w.target_rate)}`),
  ];
  const rows = w.weeks.map((b) => ({
    week: b.week,
    arm: b.arm,
    from: b.from.slice(0, 16),
    to: b.to.slice(0, 16),
    flagged: b.x,
    sessions: b.n,
    rate: pct(b.p),
    '95 % CI': b.lo === null || b.hi === null ? '' : `${pct(b.lo)} – ${pct(b.hi)}`,
  }));
  return `${head.join('\n')}\n${renderTable(rows)}`;
}
