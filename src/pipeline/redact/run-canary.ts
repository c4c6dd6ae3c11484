/**
 * The canary self-test (`unsilo redact --test`, and the doctor): the canary corpus goes through the
 * whole pipeline with the configured rules, as Claude Code would send it over OTLP/JSON (a Bash
 * tool_result with tool_parameters, tool_input and error; a Write tool_result whose JSON tool input
 * holds a file; a user_prompt), and every stored column is searched for the secret. A detector passes
 * when its secret survives in none of the three contexts. Secret values are never part of the report.
 */
import { randomBytes } from 'node:crypto';
import { compileAttribution, DEFAULT_ATTRIBUTION_PATTERNS } from '../enrich/enrich-attribution.js';
import { runPipeline } from '../run-pipeline.js';
import { canaryCases, type CanaryCase } from './canary-corpus.js';
import { compileRedaction, type RedactionConfig } from './redaction-config.js';

export const CANARY_CONTEXTS = ['Bash command', 'JSON tool input', 'prompt'] as const;
export type CanaryContext = (typeof CANARY_CONTEXTS)[number];

export interface CanaryResult {
  kind: string;
  ok: boolean;
  /** The contexts in which the secret (or part of it) was stored. */
  survivedIn: CanaryContext[];
}

export interface CanaryReport {
  ok: boolean;
  results: CanaryResult[];
}

type Kv = { key: string; value: { stringValue: string } };
const kv = (key: string, value: string): Kv => ({ key, value: { stringValue: value } });

function records(c: CanaryCase, n: number): { name: string; attrs: Kv[] }[] {
  const base = [kv('session.id', '00000000-0000-4000-8000-00000000c0de'), kv('prompt.id', `canary-${n}`)];
  const file = {
    file_path: '/repo/config/settings.env',
    content: `# local settings\n${c.line}\nDEBUG=false\n`,
  };
  return [
    {
      name: 'tool_result',
      attrs: [
        ...base,
        kv('tool_name', 'Bash'),
        kv('success', 'false'),
        kv('error', `Exit code 1\n${c.bash}`),
        kv('tool_parameters', JSON.stringify({ bash_command: c.bash.split(' ')[0], full_command: c.bash })),
        kv('tool_input', JSON.stringify({ command: c.bash, description: 'Run it' })),
      ],
    },
    {
      name: 'tool_result',
      attrs: [
        ...base,
        kv('tool_name', 'Write'),
        kv('success', 'true'),
        kv('tool_input', JSON.stringify(file)),
      ],
    },
    {
      name: 'user_prompt',
      attrs: [
        ...base,
        ...['prompt', 'prompt_text'].map((k) =>
          kv(k, `Deploys fail with 401. My config has:\n${c.line}\nWhy?`),
        ),
      ],
    },
  ];
}

/** The corpus as one OTLP/JSON ExportLogsServiceRequest: three records per case, in CANARY_CONTEXTS order. */
export function canaryRequest(cases: readonly CanaryCase[]): Buffer {
  const logRecords = cases.flatMap((c, n) =>
    records(c, n).map((r, i) => {
      const time = String(BigInt(1764316800000 + n * 10 + i) * 1_000_000n);
      return {
        timeUnixNano: time,
        observedTimeUnixNano: time,
        body: { stringValue: `claude_code.${r.name}` },
        attributes: [kv('event.name', r.name), ...r.attrs],
      };
    }),
  );
  const resource = { attributes: [kv('service.name', 'claude-code'), kv('service.version', '2.1.328')] };
  const scope = { name: 'com.anthropic.claude_code.events', version: '2.1.328' };
  return Buffer.from(JSON.stringify({ resourceLogs: [{ resource, scopeLogs: [{ scope, logRecords }] }] }));
}

const stringsOf = (row: object): string[] => Object.values(row).filter((v) => typeof v === 'string');

export function runCanary(config: { redaction: RedactionConfig }): CanaryReport {
  const cases = canaryCases();
  const redaction = compileRedaction({
    ...config.redaction,
    hashKey: config.redaction.hashKey ?? randomBytes(32).toString('hex'),
  });
  const { rows } = runPipeline('logs', 'json', canaryRequest(cases), {
    tokenMember: null,
    attribution: compileAttribution(DEFAULT_ATTRIBUTION_PATTERNS),
    redaction,
  });
  if (rows.events.length !== cases.length * CANARY_CONTEXTS.length) {
    throw new Error(
      `canary: expected ${cases.length * CANARY_CONTEXTS.length} events, got ${rows.events.length}`,
    );
  }
  const results = cases.map((c, n): CanaryResult => {
    const survivedIn = CANARY_CONTEXTS.filter((_, i) => {
      const row = rows.events[n * CANARY_CONTEXTS.length + i];
      const stored = row ? stringsOf(row) : [];
      return c.secrets.some((s) => stored.some((v) => v.includes(s)));
    });
    return { kind: c.kind, ok: survivedIn.length === 0, survivedIn };
  });
  return { ok: results.every((r) => r.ok), results };
}
