import { describe, expect, it } from 'vitest';
import type { Attributes } from '../../model/otlp.js';
import { canaryCases } from './canary-corpus.js';
import { compileRedaction, RedactionConfig, type Redaction } from './redaction-config.js';
import { redactAttributes, redactString } from './redact-values.js';

const HASH_KEY = 'test-hash-key-0123456789';
const compile = (cfg: unknown): Redaction =>
  compileRedaction({ ...RedactionConfig.parse(cfg), hashKey: HASH_KEY });

function run(attrs: Attributes, cfg: unknown = {}, member: string | null = null) {
  const t = { n: 0 };
  const out = redactAttributes(structuredClone(attrs), compile(cfg), t, member);
  return { out, n: t.n };
}

const github = canaryCases().find((c) => c.kind === 'github-token')?.secrets[0] ?? '';
const RECORD: Attributes = {
  'event.name': 'tool_result',
  'session.id': '07aeaac8-1dd5-4beb-a9cb-eac8c582e6b3',
  'user.email': 'bob@example.com',
  prompt: 'fix the login bug',
  tool_name: 'Bash',
  tool_parameters: JSON.stringify({ full_command: `GITHUB_TOKEN=${github} gh pr list`, timeout: 120000 }),
  input_tokens: 120,
  tool_source: 'builtin',
};

describe('strings inside values', () => {
  it('redacts inside JSON text and keeps the rest of it', () => {
    const { out, n } = run(RECORD);
    expect(JSON.parse(String(out.tool_parameters))).toEqual({
      full_command: 'GITHUB_TOKEN=[REDACTED:github-token] gh pr list',
      timeout: 120000,
    });
    expect(n).toBe(1);
    expect({ ...out, tool_parameters: null }).toEqual({ ...RECORD, tool_parameters: null });
  });

  it('redacts arrays and nested maps, and a secret-named key whatever its value', () => {
    const { out, n } = run({
      'workspace.host_paths': ['/home/bob', `https://bob:${github}@git.example.com/x`],
      headers: { 'X-Api-Token': 'plain-looking-value', accept: 'json' },
      'deploy.password': 'hunter2',
      api_key: '<REDACTED>',
    });
    expect(out).toEqual({
      'workspace.host_paths': ['/home/bob', 'https://bob:[REDACTED:github-token]@git.example.com/x'],
      headers: { 'X-Api-Token': '[REDACTED:secret-assignment]', accept: 'json' },
      'deploy.password': '[REDACTED:secret-assignment]',
      api_key: '<REDACTED>',
    });
    expect(n).toBe(3);
  });

  it('applies extra patterns, and they see strings no keyword marks', () => {
    const r = compile({ patterns: [{ kind: 'acme-id', pattern: 'ACME-[0-9]{6}', ignoreCase: true }] });
    const t = { n: 0 };
    expect(redactString('ticket acme-123456 and ACME-654321', r, t)).toBe(
      'ticket [REDACTED:acme-id] and [REDACTED:acme-id]',
    );
    expect(t.n).toBe(2);
  });
});

describe('field rules', () => {
  it('hashes with a keyed HMAC: stable, so joins still work, and different per key', () => {
    const cfg = { fields: [{ key: 'user.*', action: 'hash' }] };
    const a = run(RECORD, cfg).out['user.email'];
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(run(RECORD, cfg).out['user.email']).toBe(a);
    const other = compileRedaction({ ...RedactionConfig.parse(cfg), hashKey: 'another-hash-key-0123456789' });
    expect(redactAttributes({ ...RECORD }, other, { n: 0 }, null)['user.email']).not.toBe(a);
  });

  it('drops and redacts whole values; only redact counts', () => {
    const { out, n } = run(RECORD, {
      fields: [
        { key: 'prompt', action: 'redact' },
        { key: 'tool_source', action: 'drop' },
      ],
    });
    expect(out.prompt).toBe('[REDACTED:field]');
    expect(out).not.toHaveProperty('tool_source');
    expect(n).toBe(2);
  });

  it('keeps: the detectors still run on a kept value', () => {
    const { out } = run(RECORD, { fields: [{ key: 'tool_parameters', action: 'keep' }] });
    expect(String(out.tool_parameters)).toContain('[REDACTED:github-token]');
  });

  it('applies member rules to those members only; the first matching rule wins', () => {
    const cfg = {
      fields: [
        { key: 'prompt', action: 'drop', members: ['bob'] },
        { key: 'prompt', action: 'hash' },
      ],
    };
    expect(run(RECORD, cfg, 'bob').out).not.toHaveProperty('prompt');
    expect(run(RECORD, cfg, 'alice').out.prompt).toMatch(/^[0-9a-f]{64}$/);
    expect(run(RECORD, cfg, null).out.prompt).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('allow mode (fails closed)', () => {
  it('keeps the listed keys and those the collector reads, drops the rest', () => {
    const { out } = run(
      { ...RECORD, 'os.type': 'linux', 'unsilo.doctor.id': 'd1', surprise: 'x' },
      {
        mode: 'allow',
        allow: ['os.*'],
      },
    );
    expect(Object.keys(out).sort()).toEqual(
      [
        'event.name',
        'input_tokens',
        'os.type',
        'session.id',
        'tool_name',
        'tool_parameters',
        'unsilo.doctor.id',
        'user.email',
      ].sort(),
    );
    expect(String(out.tool_parameters)).toContain('[REDACTED:github-token]');
  });

  it('lets a field rule keep an unlisted key, and drop a key the collector reads', () => {
    const { out } = run(
      RECORD,
      {
        mode: 'allow',
        fields: [
          { key: 'prompt', action: 'keep', members: ['alice'] },
          { key: 'tool_parameters', action: 'drop' },
        ],
      },
      'alice',
    );
    expect(out.prompt).toBe(RECORD.prompt);
    expect(out).not.toHaveProperty('tool_parameters');
    expect(
      run(RECORD, { mode: 'allow', fields: [{ key: 'prompt', action: 'keep', members: ['alice'] }] }, 'bob')
        .out,
    ).not.toHaveProperty('prompt');
  });
});
