/**
 * Nothing secret reaches disk, end to end: the real Claude Code CLI (tool details, prompts, tool
 * output and assistant responses all logged) runs Bash commands that write, print and fail on a fake
 * secret of every kind, with a key in the prompt, one in the answer and one in OTEL_RESOURCE_ATTRIBUTES.
 * The collector runs as `unsilo serve` (its log is kept, at debug level) with a pipeline worker and a
 * hash rule from its config. Afterwards every file under the data directory (write-ahead log segments,
 * the DuckDB file and its log, the collector's log) is searched byte by byte for every secret, while
 * running and after a clean stop; the store is searched by SQL too. A marker that is stored must be
 * found by the same byte search, so the search can see what the store holds.
 * Commands stay under 512 characters: Claude Code shortens longer tool_input strings, which could cut a
 * secret in two (see the redaction notes in docs/architecture.md).
 */
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canaryCases } from '../../src/pipeline/redact/canary-corpus.js';
import { TABLES } from '../../src/store/schema.js';
import { runClaude, type ClaudeRunResult } from '../support/claude-runner.js';
import { spawnCollector, tempDir, type SpawnedCollector } from '../support/collector-fixture.js';
import { startMockAnthropic, type MockAnthropic, type ScriptStep } from '../support/mock-anthropic.js';

const RUN_TIMEOUT_MS = 180_000;
const T = { timeout: 30_000 };
const HASH_KEY = 'e2e-redaction-hash-key-0123456789';
const CASES = canaryCases();
const secretOf = (kind: string): string => CASES.find((c) => c.kind === kind)?.secrets[0] ?? '';
const SECRETS = CASES.flatMap((c) => c.secrets);
const IN_PROMPT = secretOf('github-token');
const IN_ANSWER = secretOf('stripe-key');
const IN_RESOURCE = secretOf('npm-token');

/** printf steps of at most ~450 characters, together writing every canary line into .env.local. */
function writeSteps(): ScriptStep[] {
  const groups: string[][] = [[]];
  for (const c of CASES) {
    const group = groups[groups.length - 1] as string[];
    if ([...group, c.line].join("' '").length > 400) groups.push([c.line]);
    else group.push(c.line);
  }
  return groups.map((lines) => ({
    kind: 'tool_use',
    name: 'Bash',
    input: { command: `printf '%s\\n' '${lines.join("' '")}' >> .env.local`, description: 'Write settings' },
  }));
}

const SCRIPT: ScriptStep[] = [
  ...writeSteps(),
  { kind: 'tool_use', name: 'Bash', input: { command: 'cat .env.local', description: 'Show settings' } },
  {
    kind: 'tool_use',
    name: 'Bash',
    input: { command: 'grep -E "PASSWORD|TOKEN" .env.local && exit 3', description: 'Fail on purpose' },
  },
  { kind: 'text', text: `Done. The Stripe key ${IN_ANSWER} is in .env.local.` },
];
const TOOL_CALLS = SCRIPT.filter((s) => s.kind === 'tool_use').length;

type Row = Record<string, unknown>;

async function sql(collector: SpawnedCollector, query: string): Promise<Row[]> {
  const res = await fetch(`${collector.httpUrl}/api/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql: query, maxRows: 10_000 }),
  });
  const body = (await res.json()) as { columns: string[]; rows: unknown[][]; error?: string };
  if (!res.ok) throw new Error(body.error);
  return body.rows.map((r) => Object.fromEntries(body.columns.map((c, i) => [c, r[i]])));
}

/** Every file under `dir`, recursively, with its bytes. */
function filesUnder(dir: string): { file: string; bytes: Buffer }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name))
    .map((file) => ({ file, bytes: readFileSync(file) }));
}

/** `file: secret-kind` for every secret found in any file. */
const leaks = (dir: string): string[] =>
  filesUnder(dir).flatMap(({ file, bytes }) =>
    CASES.flatMap((c) =>
      c.secrets.some((s) => bytes.includes(s)) ? [`${path.relative(dir, file)}: ${c.kind}`] : [],
    ),
  );

async function settle(collector: SpawnedCollector): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [row] = await sql(
      collector,
      `SELECT (SELECT count(*) FROM events WHERE event_name = 'tool_result') AS tools,
              (SELECT count(*) FROM events WHERE event_name = 'assistant_response') AS answers,
              (SELECT count(*) FROM spans WHERE name = 'claude_code.tool') AS spans`,
    );
    if (
      (row &&
        Number(row.tools) >= TOOL_CALLS &&
        Number(row.answers) >= 1 &&
        Number(row.spans) >= TOOL_CALLS) ||
      Date.now() > deadline
    )
      return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('real Claude Code CLI with secrets in commands, prompt, answer and resource', () => {
  let dataDir: string;
  let collector: SpawnedCollector;
  let mock: MockAnthropic;
  let run: ClaudeRunResult;
  const stored: Record<string, Row[]> = {};
  let leaksWhileRunning: string[] = [];
  let walHoldsMarkers = false;

  beforeAll(async () => {
    dataDir = tempDir('unsilo-redaction-');
    const config = path.join(dataDir, 'redaction-config.json');
    const redaction = { fields: [{ key: 'os.type', action: 'hash' }], hashKey: HASH_KEY };
    writeFileSync(config, JSON.stringify({ redaction, pipeline: { workers: 1 } }));
    collector = await spawnCollector(dataDir, ['--config', config, '--log-level', 'debug']);
    mock = await startMockAnthropic();
    mock.script(SCRIPT);
    run = await runClaude({
      prompt: `Write the deploy settings to .env.local; use GITHUB_TOKEN=${IN_PROMPT} for the clone.`,
      anthropicUrl: mock.url,
      protocol: 'http/protobuf',
      otlpEndpoint: collector.httpUrl,
      extraEnv: {
        OTEL_LOG_USER_PROMPTS: '1',
        OTEL_LOG_TOOL_CONTENT: '1',
        OTEL_RESOURCE_ATTRIBUTES: `member=alice,deploy.npm_token=${IN_RESOURCE}`,
      },
    });
    await settle(collector);
    for (const table of [...Object.keys(TABLES), 'session_context']) {
      stored[table] = await sql(collector, `SELECT * FROM ${table}`).catch(() => []);
    }
    leaksWhileRunning = leaks(dataDir);
    walHoldsMarkers = filesUnder(path.join(dataDir, 'wal')).some(({ bytes }) =>
      bytes.includes('[REDACTED:github-token]'),
    );
    collector.child.kill('SIGTERM');
    await collector.exited;
    writeFileSync(path.join(dataDir, 'collector.log'), collector.output());
  }, RUN_TIMEOUT_MS);

  afterAll(async () => {
    if (collector?.child.exitCode === null) collector.child.kill('SIGKILL');
    await mock?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('ran the whole script', T, () => {
    expect(run.exitCode, run.stderr).toBe(0);
    expect(mock.remaining()).toBe(0);
    expect(stored.events?.filter((e) => e.event_name === 'tool_result')).toHaveLength(TOOL_CALLS);
  });

  it('stored no secret: the store, searched by SQL', T, () => {
    const text = JSON.stringify(stored);
    expect(SECRETS.filter((s) => text.includes(s))).toEqual([]);
  });

  it('left no secret in any file of the data directory, while running and after stopping', T, async () => {
    expect(walHoldsMarkers).toBe(true);
    expect(leaksWhileRunning).toEqual([]);
    expect(await collector.exited).toBe(0);
    expect(leaks(dataDir)).toEqual([]);
    expect(readFileSync(path.join(dataDir, 'collector.log'), 'utf8')).toContain('unsilo collector stopped');
  });

  it('marks what it redacted, by kind, and counts it on each record', T, () => {
    const events = stored.events ?? [];
    const text = JSON.stringify(events);
    for (const c of CASES) expect(text, c.kind).toContain(`[REDACTED:${c.kind}]`);
    const attrs = (name: string) =>
      events.filter((e) => e.event_name === name).map((e) => JSON.parse(String(e.attributes)) as Row);
    expect(attrs('user_prompt')[0]?.prompt).toBe(
      'Write the deploy settings to .env.local; use GITHUB_TOKEN=[REDACTED:github-token] for the clone.',
    );
    expect(attrs('assistant_response')[0]?.response).toBe(
      'Done. The Stripe key [REDACTED:stripe-key] is in .env.local.',
    );
    for (const a of attrs('tool_result')) expect(Number(a['unsilo.redacted'])).toBeGreaterThan(0);
    const commands = events.filter((e) => e.event_name === 'tool_result').map((e) => String(e.command));
    expect(commands.filter((c) => c.startsWith('printf')).every((c) => c.includes('[REDACTED:'))).toBe(true);
  });

  it('redacts spans, span events and the resource too, and hashes with the configured key', T, () => {
    const spans = stored.spans ?? [];
    const tool = spans.filter((s) => s.name === 'claude_code.tool');
    expect(tool.some((s) => String(s.events).includes('[REDACTED:'))).toBe(true);
    const resource = JSON.parse(String(stored.events?.[0]?.resource)) as Row;
    expect(resource['deploy.npm_token']).toBe('[REDACTED:npm-token]');
    expect(resource['os.type']).toBe(createHmac('sha256', HASH_KEY).update('linux').digest('hex'));
  });
});
