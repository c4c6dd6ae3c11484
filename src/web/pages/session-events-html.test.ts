import { describe, expect, it } from 'vitest';
import type { PageEvent } from '../../analysis/session/session-page-data.js';
import { turnsOf } from './session-events-html.js';

let n = 0;
const ev = (event_name: string, o: Partial<PageEvent> = {}): PageEvent => ({
  key: `k${n}`,
  index: n++,
  ts: '2026-11-20 10:00:00',
  event_name,
  prompt_id: 'p1',
  prompt_no: 1,
  tool_name: null,
  tool_use_id: null,
  command: null,
  success: null,
  error_type: null,
  status_code: null,
  attempt: null,
  duration_ms: null,
  cost_usd: null,
  model: null,
  decision: null,
  source: null,
  signals: [],
  bodies: [],
  ...o,
});

const shape = (events: PageEvent[]) =>
  turnsOf(events).map((t) => [
    t.prompt,
    t.items.map((i) => (Array.isArray(i) ? i.map((e) => e.key) : i.key)),
  ]);

describe('turnsOf', () => {
  it('pairs a call with its later result, groups by prompt in order, keeps events outside prompts apart', () => {
    n = 0;
    const events = [
      ev('startup', { prompt_id: null }),
      ev('user_prompt'),
      ev('tool_decision', { tool_use_id: 'a' }),
      ev('api_request'),
      ev('tool_result', { tool_use_id: 'a' }),
      ev('user_prompt', { prompt_id: 'p2' }),
      ev('tool_result', { prompt_id: 'p2', tool_use_id: 'b' }), // its decision is on another page
      ev('hook', { prompt_id: null }),
    ];
    expect(shape(events)).toEqual([
      [null, ['k0', 'k7']],
      ['p1', ['k1', ['k2', 'k4'], 'k3']],
      ['p2', ['k5', 'k6']],
    ]);
  });

  it('leaves a result that came before its decision unpaired', () => {
    n = 0;
    const events = [ev('tool_result', { tool_use_id: 'a' }), ev('tool_decision', { tool_use_id: 'a' })];
    expect(shape(events)).toEqual([['p1', ['k0', 'k1']]]);
  });
});
