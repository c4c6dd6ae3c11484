/**
 * The session page's data on every store, with exact values: the waterfall's order, depth, offsets
 * and widths (percentages computed in SQL), the events with their tool-use ids, signals and bodies
 * (short inline, long loaded on demand), the first event of each signal, and a long body by key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisContext } from '../../src/analysis/analysis-context.js';
import { eventBody } from '../../src/analysis/session/session-bodies.js';
import { sessionPageData } from '../../src/analysis/session/session-page-data.js';
import type { Store } from '../../src/store/store.js';
import { eventRow, spanRow } from '../fixtures/rows.js';
import { STORES } from '../support/stores.js';

const T0 = Date.parse('2026-11-20T10:00:00Z') * 1000;
const at = (s: number): number => T0 + Math.round(s * 1_000_000);
const LONG = `Exit code 1\n${'x'.repeat(400)}`;
const base = { session_id: 's1', prompt_id: 'p1', cost_usd: null, request_id: null };

const EVENTS = [
  eventRow({
    ...base,
    key: 'e1',
    ts: at(0),
    event_name: 'user_prompt',
    attributes: '{"prompt":"make tables"}',
  }),
  eventRow({ ...base, key: 'e2', ts: at(0.5), event_name: 'api_request', cost_usd: 0.25 }),
  eventRow({
    ...base,
    key: 'e3',
    ts: at(1),
    event_name: 'tool_decision',
    tool_name: 'Bash',
    tool_use_id: 'tu1',
    decision: 'accept',
    source: 'config',
  }),
  ...[2, 4, 6, 8].map((s, i) =>
    eventRow({
      ...base,
      key: `r${i}`,
      ts: at(s),
      event_name: 'tool_result',
      tool_name: 'Bash',
      tool_use_id: i === 0 ? 'tu1' : `tu${i + 1}`,
      command: `npm test -- ${i}`,
      validation_kind: 'test',
      success: false,
      attributes: JSON.stringify({ error: i === 0 ? LONG : 'Exit code 1' }),
    }),
  ),
  eventRow({ ...base, key: 'e9', ts: at(10), event_name: 'assistant_response', prompt_id: null }),
];

const trace = 'c'.repeat(32);
const span = (id: string, parent: string | null, name: string, from: number, to: number, status = 0) =>
  spanRow({
    key: trace + id,
    trace_id: trace,
    span_id: id,
    parent_span_id: parent,
    name,
    session_id: 's1',
    start_ts: at(from),
    end_ts: at(to),
    duration_ms: (to - from) * 1000,
    status_code: status,
    attributes: name === 'claude_code.tool' ? '{"tool_name":"Bash"}' : '{}',
  });
const SPANS = [
  span('0000000000000004', '0000000000000003', 'claude_code.tool.execution', 1.2, 2.2, 2),
  span('0000000000000001', null, 'claude_code.interaction', 0, 10),
  span('0000000000000003', '0000000000000001', 'claude_code.tool', 1, 2.5),
  span('0000000000000002', '0000000000000001', 'claude_code.llm_request', 0.5, 1.5),
];

describe.each(STORES)('the session page data on $name', (storeCase) => {
  let store: Store;
  let cleanup: () => void;
  let ctx: AnalysisContext;

  beforeAll(async () => {
    ({ store, cleanup } = await storeCase.open());
    await store.write({ events: EVENTS, spans: SPANS, metrics: [] });
    ctx = { store, author: 't', now: () => new Date('2026-11-28T00:00:00Z'), redact: (t) => t };
  });
  afterAll(async () => {
    await store.close();
    cleanup();
  });

  it('orders the waterfall as a tree with offsets and widths as shares of the session', async () => {
    const d = await sessionPageData(ctx, 's1');
    expect(d.waterfall.total).toBe(4);
    expect(
      d.waterfall.rows.map((r) => [r.name, r.tool_name, r.depth, r.left_pct, r.width_pct, r.status_code]),
    ).toEqual([
      ['interaction', null, 0, 0, 100, 0],
      ['llm_request', null, 1, 5, 10, 0],
      ['tool', 'Bash', 1, 10, 15, 0],
      ['tool.execution', null, 2, 12, 10, 2],
    ]);
    expect(d.strip).toEqual([]);
  });

  it('gives the events with their tool-use ids, signals and bodies, and the first event of each signal', async () => {
    const d = await sessionPageData(ctx, 's1');
    expect(d.totalEvents).toBe(8);
    expect(d.events.map((e) => [e.key, e.tool_use_id, e.signals.includes('validation_failures')])).toEqual([
      ['e1', null, false],
      ['e2', null, false],
      ['e3', 'tu1', false],
      ['r0', 'tu1', true],
      ['r1', 'tu2', true],
      ['r2', 'tu3', true],
      ['r3', 'tu4', true],
      ['e9', null, false],
    ]);
    expect(d.events[0]!.bodies).toEqual([
      { part: 'prompt', label: 'prompt', length: 11, text: 'make tables' },
    ]);
    expect(d.events[3]!.bodies).toEqual([{ part: 'error', label: 'error', length: LONG.length, text: null }]);
    expect(d.firstBySignal.validation_failures).toEqual({ index: 3, key: 'r0' });
    expect(d.session?.flags.validation_failures).toBe(true);
    expect(await eventBody(ctx, 's1', 'r0', 'error')).toEqual({ label: 'error', text: LONG });
  });
});
