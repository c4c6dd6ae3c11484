import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentKey, eventKey, sharedIdKey } from './identity.js';

/** The original framing: every part, then a NUL, fed to sha256 one at a time. */
function referenceKey(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\u0000');
  return h.digest('hex').slice(0, 32);
}

describe('contentKey', () => {
  it('keeps the keys existing stores deduplicate on', () => {
    expect(
      contentKey(
        'api_request',
        '1700000000000000000',
        '{"a":1}',
        '{"service.name":"claude-code"}',
        'claude_code.api_request',
      ),
    ).toBe('9afd926716b6160b9042c1a89487502f');
    expect(contentKey('')).toBe('6e340b9cffb37a989ca544e6bb780a2c');
  });

  it.each([[['a', 'b', 'c']], [['ü', 'x\u0000y']], [['', '', '']], [['😀 emoji', '{"k":"v"}']]])(
    'hashes %j as every part followed by a NUL',
    (parts) => {
      expect(contentKey(...parts)).toBe(referenceKey(...parts));
    },
  );
});

describe('eventKey', () => {
  const key = (name: string, attrs: Record<string, string>, time = '1'): string =>
    eventKey(name, attrs, time, JSON.stringify(attrs), '{}', `claude_code.${name}`);

  it.each([
    ['api_request', 'request_id'],
    ['tool_result', 'tool_use_id'],
    ['user_prompt', 'message.uuid'],
    ['assistant_response', 'message.uuid'],
  ])('keys %s by its %s, whatever else it carries', (name, field) => {
    const a = key(name, { [field]: 'id-1', 'unsilo.source': 'transcript' }, '5');
    expect(a).toBe(key(name, { [field]: 'id-1', cost_usd: '0.1' }, '7'));
    expect(a).toBe(sharedIdKey(name, 'id-1'));
    expect(a).not.toBe(key(name, { [field]: 'id-2' }, '5'));
  });

  it('keys other events, and events without the id, by their whole content', () => {
    expect(key('tool_decision', { tool_use_id: 'x' })).not.toBe(
      key('tool_decision', { tool_use_id: 'x' }, '2'),
    );
    expect(key('api_request', {})).toBe(
      contentKey('api_request', '1', '{}', '{}', 'claude_code.api_request'),
    );
  });
});
