/**
 * Detector truth on every store: a generated team with known failures (test/fixtures/signal-dataset.ts)
 * must give every signal's value exactly, with no false positive or false negative flag, and
 * `signals test` must list exactly the events that make a value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNALS } from '../../src/analysis/signals/signal-catalog.js';
import {
  computeSessionSignals,
  quantile,
  type SessionSignals,
} from '../../src/analysis/signals/session-signals.js';
import { listSignals, testSignal } from '../../src/analysis/signals/signal-service.js';
import type { Store } from '../../src/store/store.js';
import { signalDataset } from '../fixtures/signal-dataset.js';
import { TEAM_EVENTS } from '../fixtures/team-dataset.js';
import { STORES } from '../support/stores.js';

const data = signalDataset();

/** The chapter-relative flags from the planned values, by the rule the catalog states. */
function expectedRelativeFlags(): Map<string, { long: boolean; cost: boolean }> {
  const out = new Map<string, { long: boolean; cost: boolean }>();
  for (const ch of new Set(data.sessions.map((s) => s.chapter))) {
    const mine = data.sessions.filter((s) => s.chapter === ch);
    const p90 = quantile(
      mine.map((s) => s.expected.long_session!).sort((a, b) => a - b),
      0.9,
    );
    const median = quantile(
      mine.map((s) => s.expected.cost_per_prompt!).sort((a, b) => a - b),
      0.5,
    );
    for (const s of mine)
      out.set(s.id, { long: s.expected.long_session! > p90, cost: s.expected.cost_per_prompt! > 3 * median });
  }
  return out;
}

describe.each(STORES)('signals on $name', (storeCase) => {
  let store: Store;
  let cleanup: () => void;
  let computed: Map<string, SessionSignals>;

  beforeAll(async () => {
    ({ store, cleanup } = await storeCase.open());
    await store.write({ events: [...data.events, ...TEAM_EVENTS], spans: [], metrics: [] });
    const all = await computeSessionSignals(store, {
      since: new Date('2026-10-01T00:00:00Z'),
      until: new Date('2026-10-31T00:00:00Z'),
    });
    computed = new Map(all.map((s) => [s.session_id, s]));
  });
  afterAll(async () => {
    await store.close();
    cleanup();
  });

  it('computes every session of the window, and only those', () => {
    expect([...computed.keys()].sort()).toEqual(data.sessions.map((s) => s.id).sort());
  });

  it('gives every signal its planted value (no false positives or negatives)', () => {
    for (const plan of data.sessions) {
      const got = computed.get(plan.id)!;
      for (const [name, value] of Object.entries(plan.expected)) {
        if (name === 'cost_per_prompt') expect(got.values[name], `${plan.id} ${name}`).toBeCloseTo(value, 10);
        else expect(got.values[name], `${plan.id} ${name}`).toBe(value);
      }
    }
  });

  it('flags exactly the sessions the rules name', () => {
    const relative = expectedRelativeFlags();
    for (const plan of data.sessions) {
      const got = computed.get(plan.id)!;
      for (const s of SIGNALS) {
        const want =
          s.kind === 'count'
            ? plan.expected[s.name]! > s.above
            : s.name === 'long_session'
              ? relative.get(plan.id)!.long
              : relative.get(plan.id)!.cost;
        expect(got.flags[s.name], `${plan.id} ${s.name}`).toBe(want);
      }
    }
    // The planted outliers are among the flagged, and the data set has both kinds for every detector.
    for (const plan of data.sessions.filter((_, i) => i % 23 === 0))
      expect(computed.get(plan.id)!.flags.cost_per_prompt).toBe(true);
    for (const s of SIGNALS) {
      const flagged = [...computed.values()].filter((x) => x.flags[s.name]).length;
      expect(flagged, s.name).toBeGreaterThan(0);
      expect(flagged, s.name).toBeLessThan(data.sessions.length);
    }
  });

  it('validation_failures flags exactly the sessions built with more than 3 failing validations', () => {
    const want = data.sessions.filter((s) => s.expected.validation_failures! > 3).map((s) => s.id);
    const got = [...computed.values()].filter((s) => s.flags.validation_failures).map((s) => s.session_id);
    expect(got.sort()).toEqual(want.sort());
  });

  it('signals test lists the events behind a value', async () => {
    for (const plan of data.sessions.slice(0, 12)) {
      for (const name of ['validation_failures', 'validation_reruns', 'tool_retry_loop', 'user_rejections']) {
        const t = await testSignal(store, name, plan.id);
        expect(t.events).toHaveLength(plan.expected[name]!);
        expect(t.value).toBe(plan.expected[name]);
      }
    }
    const s1 = await testSignal(store, 'validation_failures', 's1');
    expect(s1.events.map((e) => e.command)).toEqual(['npm test', 'npm test', 'npm test', 'npm test']);
    expect(s1.flagged).toBe(true);
    // s1 has a config accept and one user_reject: only the user's rejection counts.
    const rej = await testSignal(store, 'user_rejections', 's1');
    expect(rej.events.map((e) => e.source)).toEqual(['user_reject']);
  });

  it('signals list reports each signal with its hit count', async () => {
    const list = await listSignals(store, {
      since: new Date('2026-10-01T00:00:00Z'),
      until: new Date('2026-10-31T00:00:00Z'),
    });
    const vf = list.find((s) => s.name === 'validation_failures')!;
    expect(vf.id).toBe('validation_failures@1');
    expect(vf.sessions).toBe(data.sessions.length);
    expect(vf.flagged).toBe(data.sessions.filter((s) => s.expected.validation_failures! > 3).length);
  });
});
