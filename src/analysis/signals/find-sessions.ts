/**
 * `unsilo sessions --where 'validation_failures>3' --sort cost_desc` (action `signals.sessions`): the
 * sessions of a range whose signal values meet every condition, sorted, with their flags. A bare
 * signal name means "flagged by it" (what /sessions?signal= lists); `name>n`, `>=`, `<`, `<=`, `=`
 * compare its value (a count, or prompts for long_session, USD per prompt for cost_per_prompt).
 */
import { AnalysisError } from '../analysis-context.js';
import type { Store } from '../../store/store.js';
import { computeSessionSignals, type SessionSignals } from './session-signals.js';
import { SIGNALS } from './signal-catalog.js';
import type { SignalScope } from './signal-sql.js';

type Op = '>' | '>=' | '<' | '<=' | '=';
export interface Condition {
  signal: string;
  /** Null: flagged by the signal. */
  op: Op | null;
  value: number;
}

const OPS: Record<Op, (a: number, b: number) => boolean> = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '=': (a, b) => a === b,
};

const NAMES = SIGNALS.map((s) => s.name);

export function parseCondition(text: string): Condition {
  const m = /^\s*([a-z_]+)\s*(?:(>=|<=|>|<|=)\s*(-?\d+(?:\.\d+)?))?\s*$/.exec(text);
  if (!m)
    throw new AnalysisError(
      `--where takes SIGNAL or SIGNAL>N (>, >=, <, <=, =), e.g. validation_failures>3; got "${text}"`,
    );
  const [, signal, op, value] = m as unknown as [string, string, Op | undefined, string | undefined];
  if (!NAMES.includes(signal)) throw new AnalysisError(`no signal "${signal}"; known: ${NAMES.join(', ')}`);
  return { signal, op: op ?? null, value: value === undefined ? 0 : Number(value) };
}

export const SORTS = ['start_desc', 'start_asc', 'cost_desc', 'cost_asc', 'prompts_desc'] as const;
export type Sort = (typeof SORTS)[number];

const ORDER: Record<Sort, (a: SessionSignals, b: SessionSignals) => number> = {
  start_desc: (a, b) => b.start_ts.localeCompare(a.start_ts),
  start_asc: (a, b) => a.start_ts.localeCompare(b.start_ts),
  cost_desc: (a, b) => b.cost_usd - a.cost_usd,
  cost_asc: (a, b) => a.cost_usd - b.cost_usd,
  prompts_desc: (a, b) => b.prompts - a.prompts,
};

export interface FoundSession {
  session_id: string;
  start_ts: string;
  member: string | null;
  chapter: string | null;
  feature: string | null;
  cc_version: string | null;
  prompts: number;
  cost_usd: number;
  /** The value of each signal named in the conditions. */
  values: Record<string, number>;
  /** Every signal that flags the session. */
  flagged: string[];
}

export async function findSessions(
  store: Store,
  scope: SignalScope,
  a: { where: readonly string[]; member?: string; chapter?: string; sort?: string; limit?: number },
): Promise<FoundSession[]> {
  const conditions = a.where.map(parseCondition);
  const sort = (a.sort ?? 'start_desc') as Sort;
  if (!SORTS.includes(sort)) throw new AnalysisError(`--sort takes ${SORTS.join(', ')}; got "${a.sort}"`);
  const meets = (s: SessionSignals, c: Condition): boolean =>
    c.op === null ? s.flags[c.signal] === true : OPS[c.op](s.values[c.signal] ?? 0, c.value);
  // The chapter-relative flags compare with every session of the range, so filter after computing.
  const sessions = (await computeSessionSignals(store, scope))
    .filter(
      (s) =>
        (a.member === undefined || s.member === a.member) &&
        (a.chapter === undefined || s.chapter === a.chapter),
    )
    .filter((s) => conditions.every((c) => meets(s, c)))
    .sort((x, y) => ORDER[sort](x, y) || x.session_id.localeCompare(y.session_id));
  return sessions.slice(0, a.limit ?? sessions.length).map((s) => ({
    session_id: s.session_id,
    start_ts: s.start_ts,
    member: s.member,
    chapter: s.chapter,
    feature: s.feature,
    cc_version: s.cc_version,
    prompts: s.prompts,
    cost_usd: s.cost_usd,
    values: Object.fromEntries(conditions.map((c) => [c.signal, s.values[c.signal] ?? 0])),
    flagged: NAMES.filter((n) => s.flags[n]),
  }));
}
