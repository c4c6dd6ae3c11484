/**
 * The stored session signals (src/analysis/signals/signal-table.ts) on every store: what a window
 * reads from `session_signals` equals what the events give now — after a late event, a tool outcome
 * from the hooks, a session context applied later, retention deleting events — and rows of another detector version are never
 * used. The clock (Date only) moves ten minutes a step, past the refresh's margin, so a session is
 * recomputed only because its change was recorded.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { nextSeq } from '../../src/analysis/analysis-context.js';
import {
  computeSessionSignals,
  sessionFlags,
  type SessionSignals,
} from '../../src/analysis/signals/session-signals.js';
import { DETECTORS, MARGIN_MS } from '../../src/analysis/signals/signal-table.js';
import type { Store } from '../../src/store/store.js';
import { eventRow } from '../fixtures/rows.js';
import { signalDataset } from '../fixtures/signal-dataset.js';
import { STORES } from '../support/stores.js';

const data = signalDataset(30);
const WINDOW = { since: new Date('2026-10-01T00:00:00Z'), until: new Date('2026-10-31T00:00:00Z') };

/** A session's fields without the chapter-relative flags (those depend on the population). */
const own = (s: SessionSignals): Omit<SessionSignals, 'flags'> & { flags: Record<string, boolean> } => {
  const { long_session: _l, cost_per_prompt: _c, ...flags } = s.flags;
  return { ...s, flags };
};

/** A failing `npm test` one second into the session. */
const lateFailure = (plan: (typeof data.sessions)[number], key: string): ReturnType<typeof eventRow> =>
  eventRow({
    key,
    ts: plan.startMs * 1000 + 1_000_000,
    session_id: plan.id,
    member: plan.member,
    chapter: plan.chapter,
    event_name: 'tool_result',
    tool_name: 'Bash',
    command: 'npm test',
    validation_kind: 'test',
    success: false,
    request_id: null,
    model: null,
    cost_usd: null,
  });

describe.each(STORES)('stored session signals on $name', (storeCase) => {
  let store: Store;
  let cleanup: () => void;
  let clock = Date.parse('2026-11-28T08:00:00Z');
  const step = (): void => {
    clock += 10 * MARGIN_MS;
    vi.setSystemTime(clock);
  };
  const stored = async (): Promise<Map<string, SessionSignals>> => {
    step();
    return new Map((await computeSessionSignals(store, WINDOW)).map((s) => [s.session_id, s]));
  };
  /** The same session computed from its events, not through the table. */
  const live = async (session: string): Promise<SessionSignals> =>
    (await computeSessionSignals(store, { session }))[0]!;

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    step();
    ({ store, cleanup } = await storeCase.open());
    await store.write({ events: data.events, spans: [], metrics: [] });
  });
  afterAll(async () => {
    vi.useRealTimers();
    await store.close();
    cleanup();
  });

  it('reads every session of the window as its events give it', async () => {
    const got = await stored();
    expect([...got.keys()].sort()).toEqual(data.sessions.map((s) => s.id).sort());
    for (const plan of data.sessions) expect(own(got.get(plan.id)!)).toEqual(own(await live(plan.id)));
  });

  it('flags a page of sessions as the whole window flags them', async () => {
    const all = await stored();
    const names = (s: SessionSignals): string[] => Object.keys(s.flags).filter((n) => s.flags[n]);
    const page = data.sessions.slice(4, 14).map((s) => s.id);
    const flags = await sessionFlags(store, WINDOW, page);
    expect([...flags.keys()].sort()).toEqual([...page].sort());
    for (const id of page) expect(flags.get(id), id).toEqual(names(all.get(id)!));
    // Some of the page is flagged by a chapter-relative signal or a count (the comparison is not empty).
    expect(page.some((id) => flags.get(id)!.length > 0)).toBe(true);
    const every = await sessionFlags(store, WINDOW);
    expect(every.size).toBe(all.size);
  });

  it('recomputes only the sessions that changed', async () => {
    const plan = data.sessions[2]!;
    const want = await stored();
    const seq = nextSeq(new Date());
    // A row written behind the refresh's back is served while its session does not change…
    await store.query(
      `INSERT INTO session_signals (session_id, detectors, computed_at, seq, start_ts, validation_failures)
       SELECT ${store.dialect.param(1, plan.id)}, ${store.dialect.param(2, DETECTORS)}, ${store.dialect.param(3, clock)},
         ${store.dialect.param(4, seq)}, ${store.dialect.toTimestamp(store.dialect.param(5, '2026-10-02 00:00:00'))}, 99`,
      [plan.id, DETECTORS, clock, seq, '2026-10-02 00:00:00'],
    );
    const got = await stored();
    expect(got.get(plan.id)!.values.validation_failures).toBe(99);
    expect(own(got.get(data.sessions[1]!.id)!)).toEqual(own(want.get(data.sessions[1]!.id)!));
    // …and replaced as soon as it does.
    step();
    await store.write({ events: [lateFailure(plan, 'late-2')], spans: [], metrics: [] });
    expect(own((await stored()).get(plan.id)!)).toEqual(own(await live(plan.id)));
  });

  it('counts a late event of a stored session', async () => {
    const plan = data.sessions[3]!;
    const before = (await stored()).get(plan.id)!;
    step();
    await store.write({ events: [lateFailure(plan, 'late-3')], spans: [], metrics: [] });
    const after = (await stored()).get(plan.id)!;
    expect(after.values.validation_failures).toBe(before.values.validation_failures! + 1);
    expect(own(after)).toEqual(own(await live(plan.id)));
  });

  it('counts a validation failure whose command only the tool hooks reported, arriving after the session was stored', async () => {
    const plan = data.sessions[4]!;
    // Claude Code without tool details: a failing Bash call with no command.
    const bare = {
      ...lateFailure(plan, 'hookless-4'),
      command: null,
      validation_kind: null,
      tool_use_id: 'toolu_h4',
    };
    await store.write({ events: [bare], spans: [], metrics: [] });
    const before = (await stored()).get(plan.id)!;
    step();
    await store.writeToolOutcomes([
      {
        key: 'outcome-h4',
        session_id: plan.id,
        tool_use_id: 'toolu_h4',
        prompt_id: null,
        ts: bare.ts,
        member: plan.member,
        tool_name: 'Bash',
        command: 'npm test',
        exit_code: 1,
        success: false,
        validation_kind: 'test',
      },
    ]);
    const after = (await stored()).get(plan.id)!;
    expect(after.values.validation_failures).toBe(before.values.validation_failures! + 1);
    expect(own(after)).toEqual(own(await live(plan.id)));
  });

  it('keeps one row per session however often it changes, and does not recompute a session without events', async () => {
    const plan = data.sessions[6]!;
    for (let i = 0; i < 3; i++) {
      await stored();
      step();
      await store.write({ events: [lateFailure(plan, `again-${i}`)], spans: [], metrics: [] });
    }
    await stored();
    const rowsOf = async (session: string): Promise<unknown[][]> =>
      (
        await store.query(
          `SELECT computed_at, CASE WHEN start_ts IS NULL THEN 'empty' ELSE 'row' END FROM session_signals WHERE session_id = ${store.dialect.param(1, session)}`,
          [session],
        )
      ).rows;
    expect(await rowsOf(plan.id)).toHaveLength(1);
    // A context for a session that sent no telemetry: computed once (an empty row), never listed.
    await store.writeContexts([
      {
        key: 'ghost-context',
        session_id: 'ghost',
        ts: plan.startMs * 1000,
        member: 'alice',
        hook_event: 'SessionStart',
        cwd: '/book',
        branch: 'main',
        repo: 'book',
        commit: null,
        feature: null,
        chapter: null,
      },
    ]);
    const first = await stored();
    const ghost = await rowsOf('ghost');
    expect(ghost).toHaveLength(1);
    expect(ghost[0]?.[1]).toBe('empty');
    await stored();
    expect(await rowsOf('ghost')).toEqual(ghost);
    expect(first.has('ghost')).toBe(false);
    expect((await computeSessionSignals(store, {})).some((x) => x.session_id === 'ghost')).toBe(false);
  });

  it('sees a session context applied after the session was stored', async () => {
    const plan = data.sessions[5]!;
    await stored();
    step();
    await store.writeContexts([
      {
        key: 'late-context',
        session_id: plan.id,
        ts: plan.startMs * 1000,
        member: plan.member,
        hook_event: 'SessionStart',
        cwd: '/work/book',
        branch: 'ch99-late',
        repo: 'book',
        commit: null,
        feature: null,
        chapter: '99',
      },
    ]);
    const after = (await stored()).get(plan.id)!;
    expect(after.chapter).toBe((await live(plan.id)).chapter);
    expect(after.chapter).not.toBe(plan.chapter);
  });

  it('drops the sessions whose events retention deleted', async () => {
    const retention = store.retention!;
    const plan = data.sessions[0]!;
    expect((await stored()).has(plan.id)).toBe(true);
    step();
    // The dataset's sessions are an hour apart: this slice holds only the first one.
    await retention.archiveAndDelete(
      { table: 'events', from: new Date('2026-09-01T00:00:00Z'), until: new Date(plan.startMs + 3_000_000) },
      null,
    );
    const after = await stored();
    expect(after.has(plan.id)).toBe(false);
    expect(after.size).toBe(data.sessions.length - 1);
  });

  it('never reads rows of another detector version', async () => {
    const plan = data.sessions[7]!;
    const want = own(await live(plan.id));
    const other = DETECTORS.replace('validation_failures@', 'validation_failures@9');
    const later = clock + 3_600_000;
    for (const session of ['*', plan.id])
      await store.query(
        `INSERT INTO session_signals (session_id, detectors, computed_at, seq, start_ts, validation_failures)
         SELECT ${store.dialect.param(1, session)}, ${store.dialect.param(2, other)}, ${store.dialect.param(3, later)},
           ${store.dialect.param(4, later * 1000)}, ${store.dialect.toTimestamp(store.dialect.param(5, '2026-10-02 00:00:00'))}, 999`,
        [session, other, later, later * 1000, '2026-10-02 00:00:00'],
      );
    expect(own((await stored()).get(plan.id)!)).toEqual(want);
  });
});
