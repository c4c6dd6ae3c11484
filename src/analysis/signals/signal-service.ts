/**
 * What `unsilo signals list` and `unsilo signals test` answer: the catalog with each signal's hit
 * rate over a scope, and for one session a signal's value, its flag and the events that make it.
 */
import type { QueryResult, Store } from '../../store/store.js';

import { SIGNALS, signalByName, signalId } from './signal-catalog.js';
import { chapterReferences, computeSessionSignals } from './session-signals.js';
import { signalEventsSql, type SignalScope } from './signal-sql.js';

export interface SignalInfo {
  name: string;
  id: string;
  description: string;
  flag: string;
  needs: string;
  sessions: number;
  flagged: number;
}

export async function listSignals(store: Store, scope: SignalScope): Promise<SignalInfo[]> {
  const sessions = await computeSessionSignals(store, scope);
  return SIGNALS.map((s) => ({
    name: s.name,
    id: signalId(s),
    description: s.description,
    flag: s.kind === 'count' ? `more than ${s.above}` : s.flagRule,
    needs: s.needs,
    sessions: sessions.length,
    flagged: sessions.filter((x) => x.flags[s.name]).length,
  }));
}

export class UnknownSessionSignalError extends Error {
  override readonly name = 'UnknownSessionSignalError';
}

export interface SignalTest {
  signal: string;
  id: string;
  session: string;
  value: number;
  flagged: boolean;
  /** For chapter-relative signals: what the value is compared with. */
  reference: Record<string, number | string | null> | null;
  events: Record<string, unknown>[];
}

/** One signal on one session; relative signals compare with the sessions of `scope` (default: all). */
export async function testSignal(
  store: Store,
  name: string,
  session: string,
  scope: SignalScope = {},
): Promise<SignalTest> {
  const signal = signalByName(name);
  // Count signals need only the session; relative ones compare with the scope's sessions.
  const population = signal.kind === 'relative' ? await computeSessionSignals(store, scope) : [];
  let mine = population.find((s) => s.session_id === session);
  if (!mine) {
    [mine] = await computeSessionSignals(store, { session });
    if (mine) population.push(mine);
  }
  if (!mine) throw new UnknownSessionSignalError(`no session "${session}" in the store`);
  let reference: SignalTest['reference'] = null;
  if (signal.kind === 'relative') {
    const ref = chapterReferences(population).get(mine.chapter ?? '')!;
    reference = {
      chapter: mine.chapter,
      chapter_p90_prompts: ref.p90Prompts,
      chapter_median_cost_per_prompt: ref.medianCost,
    };
  }
  const q = signalEventsSql(store.dialect, session, signal.where);
  return {
    signal: signal.name,
    id: signalId(signal),
    session,
    value: mine.values[signal.name] ?? 0,
    flagged: mine.flags[signal.name] === true,
    reference,
    events: rowsOf(await store.query(q.sql, q.params)),
  };
}

const rowsOf = (r: QueryResult): Record<string, unknown>[] =>
  r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i] ?? null])));
