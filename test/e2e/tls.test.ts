/**
 * TLS end to end: a collector given a certificate serves HTTPS and gRPC over TLS only. The real Claude
 * Code CLI, configured by `unsilo setup --ca-cert` alone, exports over HTTPS and its hooks post their
 * context over HTTPS; it also exports over gRPC with TLS; doctor passes; the CLI says what to do when it
 * does not trust the certificate and works once it does.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import selfsigned from 'selfsigned';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_FILE } from '../../src/config/data-dir.js';
import type { CellValue } from '../../src/store/store.js';
import { runClaude } from '../support/claude-runner.js';
import { startTestCollector, tempDir, type TestCollector } from '../support/collector-fixture.js';
import { claudeOnPath, runUnsilo } from '../support/member-cli.js';
import { startMockAnthropic, type MockAnthropic } from '../support/mock-anthropic.js';

const dir = tempDir('tls-');
const claudeDir = claudeOnPath(path.join(dir, 'bin'));
const certFile = path.join(dir, 'cert.pem');
const keyFile = path.join(dir, 'key.pem');
let c: TestCollector;
let mock: MockAnthropic;
let token: string;
let trusted: Agent;
/** Requests the mock served (its count restarts with each script) in the HTTPS run. */
let servedOverHttps = 0;

async function rows(sql: string, params: CellValue[] = []): Promise<Record<string, CellValue>[]> {
  const r = await c.store.query(sql, params);
  return r.rows.map((row) => Object.fromEntries(r.columns.map((col, i) => [col, row[i] ?? null])));
}

/** Bounded wait until `sql`'s first value reaches `n`; the assertions then judge. */
async function waitFor(sql: string, params: CellValue[], n: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    await c.drained();
    const [row] = await rows(sql, params);
    if (Number(Object.values(row ?? {})[0]) >= n) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    notAfterDate: new Date(Date.now() + 2 * 86_400_000),
    keySize: 2048,
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  writeFileSync(certFile, pems.cert);
  writeFileSync(keyFile, pems.private);
  trusted = new Agent({ connect: { ca: pems.cert } });
  c = await startTestCollector({ auth: { requireToken: 'always' }, tls: { certFile, keyFile } });
  const admin = readFileSync(path.join(c.dataDir, ADMIN_TOKEN_FILE), 'utf8').trim();
  const res = await undiciFetch(`${c.httpUrl}/api/members`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'dana', role: 'reviewer' }),
    dispatcher: trusted,
  });
  token = ((await res.json()) as { token: string }).token;
  mock = await startMockAnthropic();
}, 60_000);

afterAll(async () => {
  await mock?.close();
  await c?.dispose();
  await trusted?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a collector with a certificate', () => {
  it('serves HTTPS, and neither plain HTTP nor an untrusted client gets an answer', async () => {
    expect(c.httpUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ok = await undiciFetch(`${c.httpUrl}/healthz`, { dispatcher: trusted });
    expect(ok.status).toBe(200);
    const plain = c.httpUrl.replace('https:', 'http:');
    await expect(fetch(`${plain}/healthz`)).rejects.toThrow();
    const untrusted = await fetch(`${c.httpUrl}/healthz`).then(
      () => 'answered',
      (err: Error & { cause?: { code?: string } }) => err.cause?.code,
    );
    expect(untrusted).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('takes Claude Code’s export over HTTPS, and its hooks’ context, with only what setup --ca-cert wrote', async () => {
    const home = path.join(dir, 'home-https');
    const cwd = path.join(home, 'work');
    mkdirSync(cwd, { recursive: true });
    const setup = await runUnsilo(['setup', '--server', c.httpUrl, '--token', token, '--ca-cert', certFile], {
      home,
      claudeDir,
    });
    expect(setup.code, setup.stderr).toBe(0);
    const env = (
      JSON.parse(readFileSync(path.join(home, '.claude', 'settings.json'), 'utf8')) as {
        env: Record<string, string>;
      }
    ).env;
    expect(env).toMatchObject({ OTEL_EXPORTER_OTLP_CERTIFICATE: certFile, NODE_EXTRA_CA_CERTS: certFile });
    mock.script([{ kind: 'text', text: 'Done.' }]);
    const run = await runClaude({
      telemetry: 'settings',
      home,
      cwd,
      prompt: 'Say Done.',
      anthropicUrl: mock.url,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    await waitFor(
      `SELECT count(*) FROM events WHERE event_name = 'api_request' AND member = 'dana'`,
      [],
      mock.served.length,
    );
    const [row] = await rows(
      `SELECT count(*) AS n, any_value(session_id) AS s FROM events WHERE event_name = 'api_request' AND member = 'dana'`,
    );
    expect(row?.n).toBe(mock.served.length);
    servedOverHttps = mock.served.length;
    const state = JSON.parse(
      readFileSync(path.join(home, '.config', 'unsilo', 'hook-state.json'), 'utf8'),
    ) as {
      sessions: string[];
      last: { ok: boolean; error: string | null };
    };
    expect(state.sessions).toContain(row?.s);
    expect(state.last).toMatchObject({ ok: true, error: null });

    const doctor = await runUnsilo(['doctor', '--json'], { home, claudeDir });
    const report = JSON.parse(doctor.stdout) as { checks: { id: string; status: string; detail: string }[] };
    expect(report.checks.filter((x) => x.status !== 'pass')).toEqual([]);
    expect(doctor.code).toBe(0);
  }, 120_000);

  // By the certificate's host name: Claude Code 2.1.328 exports nothing over gRPC with TLS to an IP
  // address (observed; HTTPS to 127.0.0.1 works, and so does grpc-js from Node to the IP).
  it('takes Claude Code’s export over gRPC with TLS', async () => {
    mock.script([{ kind: 'text', text: 'Done.' }]);
    const run = await runClaude({
      protocol: 'grpc',
      otlpEndpoint: `https://localhost:${c.grpcPort}`,
      prompt: 'Say Done.',
      anthropicUrl: mock.url,
      extraEnv: {
        OTEL_EXPORTER_OTLP_CERTIFICATE: certFile,
        OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${token}`,
      },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(mock.served.length).toBeGreaterThan(0);
    // Every request the mock served, over both tests, is one api_request event of the member.
    const sql = `SELECT count(*) FROM events WHERE event_name = 'api_request' AND member = 'dana'`;
    await waitFor(sql, [], servedOverHttps + mock.served.length);
    const [row] = await rows(sql);
    expect(Object.values(row ?? {})[0]).toBe(servedOverHttps + mock.served.length);
  }, 120_000);

  it('has the CLI say how to trust a private certificate, and work once it does', async () => {
    const home = path.join(dir, 'home-cli');
    mkdirSync(home, { recursive: true });
    const args = ['sql', 'SELECT 42 AS answer', '--server', c.httpUrl, '--token', token, '--format', 'json'];
    const refused = await runUnsilo(args, { home, claudeDir });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/cannot trust the collector's certificate.*NODE_EXTRA_CA_CERTS/);
    const ok = await runUnsilo(args, { home, claudeDir, env: { NODE_EXTRA_CA_CERTS: certFile } });
    expect(ok.stderr).toBe('');
    expect(JSON.parse(ok.stdout)).toEqual([{ answer: 42 }]);
  });
});
