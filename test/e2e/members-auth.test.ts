/**
 * Members and ingest tokens: 401 / UNAUTHENTICATED for missing, wrong and revoked tokens on all three
 * receivers; a valid token stamps its member on every record; tokens are stored only as hashes; the
 * roster is managed with the admin token, over HTTP and with `unsilo members`.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_FILE, DB_FILE } from '../../src/config/data-dir.js';
import type { Signal } from '../../src/model/otlp.js';
import { grpcPath } from '../../src/pipeline/decode/otlp-proto.js';
import { claudeLogs, kv, toProtobuf } from '../fixtures/otlp-builders.js';
import { BIN, startTestCollector, type TestCollector } from '../support/collector-fixture.js';

const run = promisify(execFile);
/** Now (plus `ms`) in nanoseconds, as OTLP carries time. */
const nowNanos = (ms: number): string => String(BigInt(Date.now() + ms) * 1_000_000n);

const logs = (session: string): Buffer =>
  toProtobuf('logs', claudeLogs(session, [{ name: 'user_prompt', attrs: { prompt_length: '5' } }]));
const metrics = (session: string): Buffer =>
  toProtobuf('metrics', {
    resourceMetrics: [
      {
        resource: { attributes: kv({ 'service.name': 'claude-code' }) },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'claude_code.session.count',
                sum: {
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      attributes: kv({ 'session.id': session }),
                      startTimeUnixNano: nowNanos(-1000),
                      timeUnixNano: nowNanos(0),
                      asDouble: 1,
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  });
const traces = (session: string): Buffer =>
  toProtobuf('traces', {
    resourceSpans: [
      {
        resource: { attributes: kv({ 'service.name': 'claude-code' }) },
        scopeSpans: [
          {
            spans: [
              {
                traceId: Buffer.from(session.padEnd(16, '0').slice(0, 16)).toString('base64'),
                spanId: Buffer.from('spanid01').toString('base64'),
                name: 'claude_code.interaction',
                startTimeUnixNano: nowNanos(-500),
                endTimeUnixNano: nowNanos(0),
                attributes: kv({ 'session.id': session }),
              },
            ],
          },
        ],
      },
    ],
  });
const BODIES: Record<Signal, (s: string) => Buffer> = { logs, metrics, traces };
const TABLE: Record<Signal, string> = { logs: 'events', metrics: 'metric_points', traces: 'spans' };

describe('members and ingest tokens', () => {
  let c: TestCollector;
  let admin: string;
  const api = async (
    method: string,
    p: string,
    token: string | null,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${c.httpUrl}${p}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const post = async (
    signal: Signal,
    session: string,
    token: string | null,
  ): Promise<{ status: number; message: string }> => {
    const res = await fetch(`${c.httpUrl}/v1/${signal}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-protobuf',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: BODIES[signal](session),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const { statusType } = await import('../../src/pipeline/decode/otlp-proto.js');
    const message =
      res.status === 200 ? '' : String((statusType.decode(bytes) as unknown as { message: string }).message);
    return { status: res.status, message };
  };
  const grpcExport = (
    signal: Signal,
    session: string,
    token: string | null,
  ): Promise<grpc.ServiceError | null> => {
    const client = new grpc.Client(`127.0.0.1:${c.grpcPort}`, grpc.credentials.createInsecure());
    const md = new grpc.Metadata();
    if (token) md.set('authorization', `Bearer ${token}`);
    const raw = (b: Buffer): Buffer => b;
    return new Promise((resolve) =>
      client.makeUnaryRequest(grpcPath(signal), raw, raw, BODIES[signal](session), md, {}, (err) => {
        client.close();
        resolve(err);
      }),
    );
  };
  const memberOf = async (signal: Signal, session: string): Promise<unknown[]> => {
    await c.drained();
    const r = await c.store.query(`SELECT member FROM ${TABLE[signal]} WHERE session_id = $1`, [session]);
    return r.rows.map((row) => row[0]);
  };

  beforeAll(async () => {
    c = await startTestCollector({ auth: { requireToken: 'always' }, sql: { timeoutMs: 1500 } });
    admin = readFileSync(path.join(c.dataDir, ADMIN_TOKEN_FILE), 'utf8').trim();
  });
  afterAll(async () => {
    await c?.dispose();
  });

  it('keeps the admin token readable only by its owner', async () => {
    const { statSync } = await import('node:fs');
    expect(statSync(path.join(c.dataDir, ADMIN_TOKEN_FILE)).mode & 0o777).toBe(0o600);
  });

  it('manages the roster only with the admin token', async () => {
    expect((await api('GET', '/api/members', null)).status).toBe(401);
    expect((await api('POST', '/api/members', 'uns_wrong', { name: 'x' })).status).toBe(401);
    const added = await api('POST', '/api/members', admin, {
      name: 'alice',
      role: 'author',
      email: 'alice@example.org',
    });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ name: 'alice', role: 'author' });
    expect(String(added.body.token)).toMatch(/^uns_[\w-]{43}$/);
    expect((await api('POST', '/api/members', admin, { name: 'alice' })).body.error).toMatch(
      /exists already/,
    );
    expect((await api('POST', '/api/members/nobody/revoke', admin)).status).toBe(404);
  });

  it.each(['logs', 'metrics', 'traces'] as const)(
    'refuses %s without a token, with a wrong one, and stamps the member of a valid one',
    async (signal) => {
      const { body } = await api('POST', '/api/members', admin, { name: `m-${signal}` });
      const token = String(body.token);
      const missing = await post(signal, `${signal}-none`, null);
      expect(missing.status).toBe(401);
      expect(missing.message).toMatch(/requires an ingest token: send Authorization: Bearer <token>/);
      const wrong = await post(signal, `${signal}-wrong`, 'uns_not-a-token');
      expect(wrong.status).toBe(401);
      expect(wrong.message).toMatch(/not valid/);
      expect((await grpcExport(signal, `${signal}-grpc-none`, null))?.code).toBe(grpc.status.UNAUTHENTICATED);
      expect((await post(signal, `${signal}-ok`, token)).status).toBe(200);
      expect(await grpcExport(signal, `${signal}-grpc-ok`, token)).toBeNull();
      expect(await memberOf(signal, `${signal}-ok`)).toEqual([`m-${signal}`]);
      expect(await memberOf(signal, `${signal}-grpc-ok`)).toEqual([`m-${signal}`]);
      expect(await memberOf(signal, `${signal}-none`)).toEqual([]);
    },
  );

  it('refuses a revoked token saying so, and a rotated-away one; the new token works', async () => {
    const { body } = await api('POST', '/api/members', admin, { name: 'bob' });
    const first = String(body.token);
    expect((await post('logs', 'bob-1', first)).status).toBe(200);
    expect((await api('POST', '/api/members/bob/revoke', admin)).status).toBe(200);
    const revoked = await post('logs', 'bob-2', first);
    expect(revoked.status).toBe(401);
    expect(revoked.message).toMatch(/revoked or replaced/);
    expect((await grpcExport('logs', 'bob-grpc', first))?.details).toMatch(/revoked or replaced/);
    const rotated = await api('POST', '/api/members/bob/rotate', admin);
    const second = String(rotated.body.token);
    expect(second).not.toBe(first);
    expect((await post('logs', 'bob-3', second)).status).toBe(200);
    expect((await post('logs', 'bob-4', first)).status).toBe(401);
    expect(await memberOf('logs', 'bob-3')).toEqual(['bob']);
  });

  it('does not take the admin token for data', async () => {
    const r = await post('logs', 'admin-data', admin);
    expect(r.status).toBe(401);
    expect(r.message).toMatch(/admin token manages members/);
  });

  it('lists members with their last event, version and recent signals', async () => {
    const list = (await api('GET', '/api/members', admin)).body as unknown as {
      name: string;
      last_event: string | null;
      claude_code_version: string | null;
      signals_24h: string;
    }[];
    const alice = list.find((m) => m.name === 'alice');
    expect(alice?.last_event).toBeNull();
    const logsMember = list.find((m) => m.name === 'm-logs');
    expect(logsMember?.claude_code_version).toBe('2.1.328');
    expect(list.find((m) => m.name === 'm-traces')?.signals_24h).toBe('traces');
  });

  it('stores tokens only as hashes', async () => {
    const { body } = await api('POST', '/api/members', admin, { name: 'carol' });
    await c.drained();
    const { DuckdbStore } = await import('../../src/store/duckdb/duckdb-store.js');
    expect(DuckdbStore).toBeDefined();
    const token = String(body.token);
    const r = await c.store.query(
      "SELECT count(*) FROM members WHERE token_hash = $1 OR token_hash LIKE '%uns_%'",
      [token],
    );
    expect(r.rows[0]?.[0]).toBe(0);
    await c.store.query('CHECKPOINT');
    expect(readFileSync(path.join(c.dataDir, DB_FILE)).includes(token)).toBe(false);
  });

  it('lets reviewers, coordinators and the admin read, not authors, and never anyone without a token', async () => {
    const author = String(
      (await api('POST', '/api/members', admin, { name: 'reader-author', role: 'author' })).body.token,
    );
    const reviewer = String(
      (await api('POST', '/api/members', admin, { name: 'reader-rev', role: 'reviewer' })).body.token,
    );
    expect((await api('GET', '/api/queries/cost-by-member', null)).status).toBe(401);
    const denied = await api('GET', '/api/queries/cost-by-member', author);
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatch(/sends data but cannot read it/);
    expect((await api('GET', '/api/queries/cost-by-member', reviewer)).status).toBe(200);
    expect((await api('GET', '/api/sessions', admin)).status).toBe(200);
    expect((await api('POST', '/api/sql', author, { sql: 'SELECT 1' })).status).toBe(403);
    expect((await api('POST', '/api/sql', reviewer, { sql: 'SELECT count(*) FROM events' })).status).toBe(
      200,
    );
    // A percent-encoded path reaches the same handler: it needs the token all the same.
    expect((await api('POST', '/%61pi/sql', null, { sql: 'SELECT 1' })).status).toBe(401);
    expect((await api('GET', '/%61pi/sessions', null)).status).toBe(401);
    expect((await api('GET', '/%73essions/any-session', null)).status).toBe(401);
    expect((await api('GET', '/%73ignals', null)).status).toBe(401);
    expect((await api('POST', '/api/analysis/review%2Esample', null, { args: {} })).status).toBe(401);
    const cli = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
      try {
        const r = await run(process.execPath, [
          BIN,
          ...args,
          '--server',
          c.httpUrl,
          '--data-dir',
          '/nonexistent',
        ]);
        return { code: 0, ...r };
      } catch (err) {
        return err as { code: number; stdout: string; stderr: string };
      }
    };
    const noToken = await cli('query', 'cost-by-member');
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toMatch(/reading needs a reviewer, coordinator or admin token/);
    expect((await cli('query', 'cost-by-member', '--token', reviewer, '--format', 'json')).code).toBe(0);
  });

  it('stops a runaway SQL query at the configured limit', async () => {
    const r = await api('POST', '/api/sql', admin, {
      sql: 'SELECT sum(a.range * b.range) FROM range(1000000) a, range(1000000) b',
    });
    expect(r.status).toBe(400);
    expect(String(r.body.error)).toMatch(/stopped after 1500 ms \(sql\.timeoutMs\)/);
  });

  it('reaches no file from SQL', async () => {
    const r = await api('POST', '/api/sql', admin, { sql: "SELECT * FROM read_csv('/etc/passwd')" });
    expect(r.status).toBe(400);
    expect(String(r.body.error)).toMatch(/Permission Error|disabled/);
  });

  it('`unsilo members` adds (JSON for scripts), lists, rotates and revokes through the running collector', async () => {
    const cli = async (...args: string[]): Promise<string> =>
      (await run(process.execPath, [BIN, 'members', ...args, '--data-dir', c.dataDir])).stdout;
    // The collector was started in-process: point the CLI at it explicitly.
    const withServer = (...args: string[]): Promise<string> => cli(...args, '--server', c.httpUrl);
    const added = JSON.parse(await withServer('add', 'dana', '--role', 'reviewer', '--format', 'json')) as {
      name: string;
      role: string;
      token: string;
    };
    expect(added).toMatchObject({ name: 'dana', role: 'reviewer' });
    expect((await post('logs', 'dana-1', added.token)).status).toBe(200);
    const text = await withServer('add', 'erin');
    expect(text).toMatch(/npx unsilo setup --server http:\/\/127\.0\.0\.1:\d+ --token uns_/);
    expect(await withServer('list', '--format', 'csv')).toMatch(/^dana,reviewer,/m);
    expect(await withServer('revoke', 'dana')).toMatch(/Revoked dana/);
    expect((await post('logs', 'dana-2', added.token)).status).toBe(401);
  });
});
