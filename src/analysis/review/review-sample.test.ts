import { describe, expect, it } from 'vitest';
import { AnalysisError } from '../analysis-context.js';
import type { SessionSignals } from '../signals/session-signals.js';
import { drawSample, parseMix, splitCounts } from './review-sample.js';

/** 300 sessions over 6 chapters of unequal size; every 7th flagged; cost rising with the index. */
const SESSIONS: SessionSignals[] = Array.from({ length: 300 }, (_, i) => ({
  session_id: `s${String(i).padStart(3, '0')}`,
  start_ts: '2026-11-01T00:00:00.000Z',
  end_ts: '2026-11-01T01:00:00.000Z',
  member: `m${i % 4}`,
  chapter: i < 150 ? '01' : `0${2 + (i % 5)}`,
  feature: null,
  cc_version: '2.1.328',
  model: null,
  prompts: 1,
  cost_usd: i,
  values: { validation_failures: i % 7 === 0 ? 5 : 0, cost_per_prompt: i },
  flags: { validation_failures: i % 7 === 0 },
}));

const SPEC = {
  n: 100,
  mix: parseMix('random=50,signal:validation_failures=30,outlier:cost_per_prompt=20'),
  strata: 'chapter' as const,
  seed: 7,
};

describe('drawSample', () => {
  it('gives the same queue for the same seed, and another for another seed', () => {
    expect(drawSample(SESSIONS, SPEC)).toEqual(drawSample(SESSIONS, SPEC));
    expect(drawSample(SESSIONS, { ...SPEC, seed: 8 })).not.toEqual(drawSample(SESSIONS, SPEC));
  });

  it('queues a session once, holds the mix, covers every stratum, numbers positions 1..n', () => {
    const items = drawSample(SESSIONS, SPEC);
    expect(new Set(items.map((i) => i.session_id)).size).toBe(100);
    const by = (reason: string): number => items.filter((i) => i.reason === reason).length;
    expect(by('random')).toBe(50);
    expect(by('signal:validation_failures')).toBe(30);
    expect(by('outlier:cost_per_prompt')).toBe(20);
    expect(new Set(items.map((i) => i.stratum))).toEqual(new Set(['01', '02', '03', '04', '05', '06']));
    expect(items.map((i) => i.position)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    for (const it of items.filter((i) => i.reason === 'signal:validation_failures'))
      expect(SESSIONS.find((s) => s.session_id === it.session_id)!.flags.validation_failures).toBe(true);
    // Outliers come from the top decile of cost (index ≥ 269.1).
    for (const it of items.filter((i) => i.reason === 'outlier:cost_per_prompt'))
      expect(Number(it.session_id.slice(1))).toBeGreaterThanOrEqual(270);
  });

  it('records inclusion probabilities: the small strata are oversampled', () => {
    const items = drawSample(SESSIONS, { ...SPEC, mix: parseMix('random=100'), n: 60 });
    const prob = (stratum: string): number => items.find((i) => i.stratum === stratum)!.inclusion_prob;
    // 10 per stratum: chapter 01 has 150 sessions, the others 30 each.
    expect(prob('01')).toBeCloseTo(10 / 150, 12);
    expect(prob('02')).toBeCloseTo(10 / 30, 12);
    for (const it of items) expect(it.inclusion_prob).toBeGreaterThan(0);
  });

  it('fills a short part with random sessions', () => {
    const items = drawSample(SESSIONS.slice(0, 20), {
      n: 10,
      mix: parseMix('signal:validation_failures=100'),
      strata: null,
      seed: 1,
    });
    expect(items).toHaveLength(10);
    expect(items.filter((i) => i.reason === 'signal:validation_failures')).toHaveLength(3); // s000, s007, s014
  });
});

describe('parseMix and splitCounts', () => {
  it('splits n by largest remainder and refuses unknown parts', () => {
    expect(splitCounts(10, parseMix('random=1,signal:compactions=1,outlier:long_session=1'))).toEqual([
      4, 3, 3,
    ]);
    expect(() => parseMix('random=50,magic=50')).toThrow(AnalysisError);
    expect(() => parseMix('signal:nope=50')).toThrow('no signal "nope"');
  });
});
