/**
 * The common filters every template understands: --since/--until (an ISO date or time, or a relative
 * span like 30d, 2w, 12h, 3mo), --member, --session, --feature, --chapter, --model, --event. Parsing
 * is pure; errors say what was wrong. A date-only --until includes that whole day.
 */
export const FILTER_NAMES = [
  'since',
  'until',
  'member',
  'session',
  'feature',
  'chapter',
  'model',
  'event',
] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

export interface QueryFilters {
  since?: Date;
  until?: Date;
  member?: string;
  session?: string;
  feature?: string;
  chapter?: string;
  model?: string;
  event?: string;
}

export class QueryParamError extends Error {
  override readonly name = 'QueryParamError';
}

const RELATIVE = /^(\d+)(h|d|w|mo|y)$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** A point in time from an absolute or relative expression; `now` anchors relative spans. */
export function parseTime(name: string, value: string, now: Date, endOfDay = false): Date {
  const rel = RELATIVE.exec(value.trim());
  if (rel) {
    const n = Number(rel[1]);
    const d = new Date(now);
    switch (rel[2]) {
      case 'h':
        return new Date(now.getTime() - n * 3_600_000);
      case 'd':
        return new Date(now.getTime() - n * DAY_MS);
      case 'w':
        return new Date(now.getTime() - n * 7 * DAY_MS);
      case 'mo':
        d.setUTCMonth(d.getUTCMonth() - n);
        return d;
      default:
        d.setUTCFullYear(d.getUTCFullYear() - n);
        return d;
    }
  }
  const t = new Date(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(t.getTime())) {
    throw new QueryParamError(
      `--${name} "${value}" is not a date: use 2026-11-01, 2026-11-01T09:00:00Z, or a span like 30d, 2w, 12h, 3mo`,
    );
  }
  return endOfDay && DATE_ONLY.test(value) ? new Date(t.getTime() + DAY_MS) : t;
}

/** Filters from raw text values (CLI flags or URL query parameters). Unknown or empty keys are ignored. */
export function parseFilters(raw: Record<string, unknown>, now = new Date()): QueryFilters {
  const f: QueryFilters = {};
  for (const name of FILTER_NAMES) {
    const v = raw[name];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string') throw new QueryParamError(`--${name} must be text`);
    if (name === 'since') f.since = parseTime(name, v, now);
    else if (name === 'until') f.until = parseTime(name, v, now, true);
    else f[name] = v;
  }
  if (f.since && f.until && f.since >= f.until) {
    throw new QueryParamError(
      `--since (${f.since.toISOString()}) must be before --until (${f.until.toISOString()})`,
    );
  }
  return f;
}
