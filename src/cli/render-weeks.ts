/** Weekly rates (`signals weekly`, `patterns watch`) as a table: week, sessions, flagged, rate and interval. */
import type { WeekRate } from '../analysis/signals/signal-weeks.js';
import { renderTable } from './analysis-cli.js';

const pct = (p: number): string => `${(p * 100).toFixed(1)} %`;

export const renderWeeks = (weeks: readonly WeekRate[]): string =>
  renderTable(
    weeks.map((w) => ({
      week: w.complete ? w.week : `${w.week} (so far)`,
      sessions: w.n,
      flagged: w.x,
      rate: w.n ? pct(w.rate) : '—',
      '95 % CI': w.n ? `${pct(w.lo)}–${pct(w.hi)}` : '—',
    })),
  );
