import { describe, expect, it } from 'vitest';
import { renderCanary } from './redact-command.js';

describe('unsilo redact --test output', () => {
  it('prints one line per detector and names where a secret survived, never the secret', () => {
    const text = renderCanary({
      ok: false,
      results: [
        { kind: 'jwt', ok: true, survivedIn: [] },
        { kind: 'stripe-key', ok: false, survivedIn: ['prompt'] },
      ],
    });
    expect(text).toBe(
      'ok    jwt         redacted in the Bash command, the JSON tool input and the prompt\n' +
        'FAIL  stripe-key  stored in: prompt\n\n' +
        '1 of 2 canaries would be stored: check the redaction.fields rules that keep them.\n',
    );
  });
});
