import { describe, expect, it } from 'vitest';
import { bodiesOf, INLINE_MAX } from './session-bodies.js';

describe('bodiesOf', () => {
  it.each([
    [
      'a short prompt is inline',
      { prompt: 'hi' },
      [{ part: 'prompt', label: 'prompt', length: 2, text: 'hi' }],
    ],
    ['a redacted prompt is no body', { prompt: '<REDACTED>' }, []],
    [
      'a long error is loaded on demand',
      { error: 'e'.repeat(INLINE_MAX + 1) },
      [{ part: 'error', label: 'error', length: INLINE_MAX + 1, text: null }],
    ],
    [
      'a system prompt is always collapsed',
      { system_prompt: 'short' },
      [{ part: 'system_prompt', label: 'system prompt', length: 5, text: null }],
    ],
    [
      'a JSON value is shown as JSON',
      { tool_input: { file_path: '/a' } },
      [{ part: 'input', label: 'input', length: 18, text: '{"file_path":"/a"}' }],
    ],
  ])('%s', (_name, attrs, expected) => {
    expect(bodiesOf(attrs)).toEqual(expected);
  });
});
