import { describe, expect, it } from 'vitest';
import { capture } from '../../../test/fixtures/captures.js';
import type { DecodedMetrics, DecodedTraces, Signal } from '../../model/otlp.js';
import type { EventRow } from '../../model/records.js';
import { decodeOtlp, type Encoding } from '../decode/decode-otlp.js';
import { compileAttribution, DEFAULT_ATTRIBUTION_PATTERNS } from '../enrich/enrich-attribution.js';
import { runPipeline } from '../run-pipeline.js';
import { canaryCases } from './canary-corpus.js';
import { redactBatch } from './redact-batch.js';
import { compileRedaction, RedactionConfig } from './redaction-config.js';

const CAPTURES: [string, Signal, Encoding][] = [
  ...['http-json', 'api-error'].flatMap((dir) =>
    (['logs-1', 'logs-2', 'traces', 'metrics'] as const).map((f): [string, Signal, Encoding] => [
      `${dir}/${f}.json`,
      f.startsWith('logs') ? 'logs' : (f as Signal),
      'json',
    ]),
  ),
  ...['http-protobuf', 'protobuf-default'].flatMap((dir) =>
    (['logs-1', 'logs-2', 'traces', 'metrics'] as const).map((f): [string, Signal, Encoding] => [
      `${dir}/${f}.bin`,
      f.startsWith('logs') ? 'logs' : (f as Signal),
      'protobuf',
    ]),
  ),
  ['grpc/logs.bin', 'logs', 'protobuf'],
  ['grpc/traces.bin', 'traces', 'protobuf'],
  ['grpc/metrics.bin', 'metrics', 'protobuf'],
];

const CASES = canaryCases();
const SECRETS = CASES.flatMap((c) => c.secrets);
/** One Bash command holding a fake secret of every kind. */
const LEAKY = CASES.map((c) => c.bash).join(' && ');
const ctx = { tokenMember: null, attribution: compileAttribution(DEFAULT_ATTRIBUTION_PATTERNS) };

describe('redact on real Claude Code captures', () => {
  it.each(CAPTURES)('changes nothing in %s (no secrets in it)', (file, signal, encoding) => {
    const batch = decodeOtlp(signal, encoding, capture(file)).batch;
    expect(redactBatch(structuredClone(batch))).toEqual(batch);
  });

  it('changes only the secrets when a capture carries them', () => {
    const original = capture('http-json/logs-2.json').toString('utf8');
    const leaky = original.replaceAll(
      'echo hello && false',
      JSON.stringify(JSON.stringify(LEAKY).slice(1, -1)).slice(1, -1),
    );
    const before = runPipeline('logs', 'json', Buffer.from(original), ctx).rows.events;
    const after = runPipeline('logs', 'json', Buffer.from(leaky), ctx).rows.events;
    const stored = JSON.stringify(after);
    for (const s of SECRETS) expect(stored).not.toContain(s);
    for (const c of CASES) expect(stored).toContain(`[REDACTED:${c.kind}]`);

    const rest = (e: EventRow) => ({ ...e, key: null, command: null, attributes: null });
    expect(after.map(rest)).toEqual(before.map(rest));
    const tool = after.find((e) => e.event_name === 'tool_result');
    expect(tool?.command).toMatch(/^printf '%s\\n' '\[REDACTED:private-key\]' > ~\/\.ssh\/deploy_key/);
    const attrs = JSON.parse(tool?.attributes ?? '{}') as Record<string, unknown>;
    expect(attrs['unsilo.redacted']).toBe(2 * CASES.length);
    const { tool_parameters: _p, tool_input: _i, 'unsilo.redacted': _n, ...others } = attrs;
    const {
      tool_parameters: _p0,
      tool_input: _i0,
      ...originals
    } = JSON.parse(before.find((e) => e.event_name === 'tool_result')?.attributes ?? '{}') as Record<
      string,
      unknown
    >;
    expect(others).toEqual(originals);
    expect(before.some((e) => e.attributes.includes('unsilo.redacted'))).toBe(false);
  });
});

const github = CASES.find((c) => c.kind === 'github-token')?.secrets[0] ?? '';
const awsId = CASES.find((c) => c.kind === 'aws-access-key-id')?.secrets[0] ?? '';

describe('redact covers every signal', () => {
  it('spans: attributes, status message, events and links', () => {
    const traces: DecodedTraces = {
      signal: 'traces',
      resources: [
        {
          resource: { 'service.name': 'claude-code', 'deploy.token': github },
          scopes: [
            {
              scope: { name: 'com.anthropic.claude_code.tracing', version: '1.0.0' },
              spans: [
                {
                  traceId: 'a'.repeat(32),
                  spanId: 'b'.repeat(16),
                  parentSpanId: '',
                  name: 'claude_code.tool',
                  kind: 1,
                  startTimeUnixNano: '1',
                  endTimeUnixNano: '2',
                  statusCode: 2,
                  statusMessage: `Exit code 1: aws: ${awsId} is not authorized`,
                  attributes: { full_command: `export GITHUB_TOKEN=${github}`, tool_name: 'Bash' },
                  events: [
                    { timeUnixNano: '1', name: 'tool.output', attributes: { output: `key ${awsId}` } },
                  ],
                  links: [
                    { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), attributes: { note: `t=${github}` } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const out = redactBatch(traces);
    const span = out.resources[0]?.scopes[0]?.spans[0];
    expect(JSON.stringify(out)).not.toMatch(new RegExp(`${github}|${awsId}`));
    expect(span?.attributes).toEqual({
      full_command: 'export GITHUB_TOKEN=[REDACTED:github-token]',
      tool_name: 'Bash',
      'unsilo.redacted': 4,
    });
    expect(span?.statusMessage).toBe('Exit code 1: aws: [REDACTED:aws-access-key-id] is not authorized');
    expect(out.resources[0]?.resource).toEqual({
      'service.name': 'claude-code',
      'deploy.token': '[REDACTED:github-token]',
      'unsilo.redacted': 1,
    });
  });

  it('metric points: attributes, with the member a rule names read before anything changes', () => {
    const point = (email: string) => ({
      attributes: { 'user.email': email, model: 'claude-opus-5-5', 'tool.note': `npm_token=${github}` },
      startTimeUnixNano: '1',
      timeUnixNano: '2',
      value: 1,
      count: null,
      detail: null,
    });
    const metrics: DecodedMetrics = {
      signal: 'metrics',
      resources: [
        {
          resource: {},
          scopes: [
            {
              scope: { name: 'com.anthropic.claude_code', version: '2.1.328' },
              metrics: [
                {
                  name: 'claude_code.cost.usage',
                  description: '',
                  unit: 'USD',
                  kind: 'sum',
                  temporality: 1,
                  isMonotonic: true,
                  points: [point('bob@example.com'), point('alice@example.com')],
                },
              ],
            },
          ],
        },
      ],
    };
    const r = compileRedaction({
      ...RedactionConfig.parse({
        fields: [
          { key: 'user.email', action: 'hash' },
          { key: 'model', action: 'drop', members: ['bob@example.com'] },
        ],
      }),
      hashKey: 'test-hash-key-0123456789',
    });
    const [bob, alice] = redactBatch(metrics, r).resources[0]?.scopes[0]?.metrics[0]?.points ?? [];
    expect(bob?.attributes).toEqual({
      'user.email': expect.stringMatching(/^[0-9a-f]{64}$/),
      'tool.note': 'npm_token=[REDACTED:github-token]',
      'unsilo.redacted': 1,
    });
    expect(alice?.attributes.model).toBe('claude-opus-5-5');
  });

  it('in allow mode drops a log body that is not an event name', () => {
    const r = compileRedaction({ ...RedactionConfig.parse({ mode: 'allow' }), hashKey: null });
    const logs = decodeOtlp('logs', 'json', capture('http-json/logs-2.json')).batch;
    if (logs.signal !== 'logs') throw new Error('not logs');
    const rec = logs.resources[0]?.scopes[0]?.records[0];
    if (rec) rec.body = 'free text the sender put in the body';
    const out = redactBatch(logs, r);
    const records = out.resources[0]?.scopes[0]?.records ?? [];
    expect(records[0]?.body).toBeNull();
    expect(records[1]?.body).toBe('claude_code.api_request');
    expect(Object.keys(out.resources[0]?.resource ?? {})).toEqual(['service.version']);
  });
});
