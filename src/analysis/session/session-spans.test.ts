import { describe, expect, it } from 'vitest';
import { treeOrder } from './session-spans.js';

const span = (span_id: string, parent: string | null) => ({
  span_id,
  parent,
  name: span_id,
  tool_name: null,
  start_ts: '',
  duration_ms: 0,
  status_code: 0,
  left_pct: 0,
  width_pct: 0,
});

const order = (spans: ReturnType<typeof span>[]) => treeOrder(spans).map((r) => `${r.span_id}:${r.depth}`);

describe('treeOrder', () => {
  it.each([
    [
      'children under their parent, siblings in start order',
      [span('a', null), span('b', 'a'), span('c', null), span('d', 'b'), span('e', 'a')],
      ['a:0', 'b:1', 'd:2', 'e:1', 'c:0'],
    ],
    [
      'a span whose parent is not in the session is a root',
      [span('a', 'gone'), span('b', 'a')],
      ['a:0', 'b:1'],
    ],
    [
      'spans in a cycle come last, flat',
      [span('r', null), span('x', 'y'), span('y', 'x')],
      ['r:0', 'x:0', 'y:0'],
    ],
  ])('%s', (_name, spans, expected) => {
    expect(order(spans)).toEqual(expected);
  });
});
