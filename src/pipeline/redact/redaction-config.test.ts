import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadServeConfig } from '../../config/config.js';
import { compileRedaction, globToRegex, RedactionConfig } from './redaction-config.js';

function loadWith(redaction: unknown): () => unknown {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'redact-cfg-')), 'unsilo.json');
  writeFileSync(file, JSON.stringify({ redaction }));
  return () => loadServeConfig({ config: file }, {});
}

describe('redaction config', () => {
  it('defaults to the built-in detectors with no rules', () => {
    expect(loadServeConfig({ config: undefined }, {}).redaction).toEqual({
      mode: 'redact',
      patterns: [],
      fields: [],
      allow: [],
    });
  });

  it('reads extra patterns, field rules and allow mode', () => {
    const cfg = loadWith({
      mode: 'allow',
      patterns: [{ kind: 'acme-key', pattern: 'acme_[a-z0-9]{12}' }],
      fields: [
        { key: 'user.*', action: 'hash' },
        { key: 'prompt', action: 'drop', members: ['bob'] },
      ],
      allow: ['tool_source'],
      hashKey: 'a-long-enough-hash-key',
    })() as { redaction: RedactionConfig };
    expect(cfg.redaction.patterns).toEqual([
      { kind: 'acme-key', pattern: 'acme_[a-z0-9]{12}', ignoreCase: false },
    ]);
    expect(cfg.redaction.fields[1]).toEqual({ key: 'prompt', action: 'drop', members: ['bob'] });
  });

  it.each([
    [
      { patterns: [{ kind: 'x', pattern: '(unclosed' }] },
      /redaction\.patterns\.0\.pattern: invalid regular expression "\(unclosed"/,
    ],
    [
      { patterns: [{ kind: 'x', pattern: 'a*' }] },
      /redaction\.patterns\.0\.pattern: the pattern "a\*" matches the empty string/,
    ],
    [{ patterns: [{ kind: 'Bad Kind', pattern: 'x' }] }, /redaction\.patterns\.0\.kind:/],
    [{ fields: [{ key: 'prompt', action: 'erase' }] }, /redaction\.fields\.0\.action:/],
    [{ fields: [{ key: 'prompt', action: 'drop', members: [] }] }, /redaction\.fields\.0\.members:/],
    [{ mode: 'deny' }, /redaction\.mode:/],
    [{ feilds: [] }, /redaction: Unrecognized key: "feilds"/],
    [{ hashKey: 'short' }, /redaction\.hashKey: a hash key has at least 16 characters/],
  ])('stops start-up on %j, naming the key', (redaction, message) => {
    const load = loadWith(redaction);
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });

  it('refuses hash rules without a key when compiled', () => {
    const cfg = RedactionConfig.parse({ fields: [{ key: 'user.email', action: 'hash' }] });
    expect(() => compileRedaction({ ...cfg, hashKey: null })).toThrow(/hash rule needs a hash key/);
  });

  it.each([
    ['user.*', 'user.email', true],
    ['user.*', 'user', false],
    ['user.*', 'x.user.email', false],
    ['prompt*', 'prompt_text', true],
    ['*.id', 'session.id', true],
    ['tool_input', 'tool_input_size_bytes', false],
  ])('glob %s on %s: %s', (glob, key, expected) => {
    expect(globToRegex(glob).test(key)).toBe(expected);
  });
});
