import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentKey } from './identity.js';

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
