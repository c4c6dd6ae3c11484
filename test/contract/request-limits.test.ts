/**
 * The request-wide limits over real sockets: more records than `limits.maxRecordsPerRequest` (413 /
 * RESOURCE_EXHAUSTED naming the key, nothing stored), headers past `limits.maxHeaderBytes` (431),
 * a client too slow to send its request (408 within `limits.requestTimeoutMs`) and an idle
 * keep-alive connection (closed after `limits.idleTimeoutMs`). Each refusal is counted by reason.
 */
import * as grpc from '@grpc/grpc-js';
import { connect, type Socket } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcPath } from '../../src/pipeline/decode/otlp-proto.js';
import { claudeLogs, toProtobuf, type EventSpec } from '../fixtures/otlp-builders.js';
import { startTestCollector, type TestCollector } from '../support/collector-fixture.js';

const MAX_RECORDS = 10;
let c: TestCollector;

beforeAll(async () => {
  c = await startTestCollector({
    limits: {
      maxRecordsPerRequest: MAX_RECORDS,
      maxHeaderBytes: 4096,
      requestTimeoutMs: 1_000,
      idleTimeoutMs: 500,
    },
  });
});
afterAll(async () => c?.dispose());

const events = (n: number): EventSpec[] => Array.from({ length: n }, () => ({ name: 'user_prompt' }));

async function refusedCount(reason: string): Promise<number> {
  const values = (await c.metrics.refused.get()).values.filter((v) => v.labels.reason === reason);
  return values.reduce((n, v) => n + v.value, 0);
}

async function storedSessions(session: string): Promise<number> {
  await c.drained();
  const r = await c.store.query('SELECT count(*) FROM events WHERE session_id = ?', [session]);
  return Number(r.rows[0]?.[0]);
}

/** A raw HTTP/1.1 connection: what it was sent back, once the server closed it. */
function rawConnection(send: string): { socket: Socket; closed: Promise<string> } {
  const socket = connect(c.httpPort, '127.0.0.1');
  let got = '';
  socket.on('data', (d: Buffer) => (got += d.toString()));
  socket.write(send);
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(got)));
  socket.on('error', () => undefined);
  return { socket, closed };
}

describe('limits.maxRecordsPerRequest', () => {
  it.each(['json', 'protobuf'] as const)(
    'refuses a %s request past it whole, naming the key',
    async (enc) => {
      const req = claudeLogs('too-many', events(MAX_RECORDS + 1));
      const res = await request(`${c.httpUrl}/v1/logs`, {
        method: 'POST',
        body: enc === 'json' ? JSON.stringify(req) : toProtobuf('logs', req),
        headers: { 'content-type': enc === 'json' ? 'application/json' : 'application/x-protobuf' },
      });
      const body = Buffer.from(await res.body.arrayBuffer()).toString('latin1');
      expect(res.statusCode).toBe(413);
      expect(body).toContain('11 log records, more than the limit of 10 (limits.maxRecordsPerRequest)');
      expect(await storedSessions('too-many')).toBe(0);
    },
  );

  it('takes a request at it', async () => {
    const res = await request(`${c.httpUrl}/v1/logs`, {
      method: 'POST',
      body: toProtobuf('logs', claudeLogs('at-limit', events(MAX_RECORDS))),
      headers: { 'content-type': 'application/x-protobuf' },
    });
    await res.body.arrayBuffer();
    expect(res.statusCode).toBe(200);
    expect(await storedSessions('at-limit')).toBe(MAX_RECORDS);
  });

  it('answers RESOURCE_EXHAUSTED over gRPC, without RetryInfo (a retry cannot help)', async () => {
    const client = new grpc.Client(`127.0.0.1:${c.grpcPort}`, grpc.credentials.createInsecure());
    const raw = (b: Buffer): Buffer => b;
    const body = toProtobuf('logs', claudeLogs('too-many-grpc', events(MAX_RECORDS + 5)));
    const err = await new Promise<grpc.ServiceError | null>((resolve) =>
      client.makeUnaryRequest(grpcPath('logs'), raw, raw, body, (e) => resolve(e)),
    );
    client.close();
    expect(err?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(err?.details).toContain('limits.maxRecordsPerRequest');
    expect(err?.metadata.get('grpc-status-details-bin')).toEqual([]);
    expect(await storedSessions('too-many-grpc')).toBe(0);
    expect(await refusedCount('too_many_records')).toBe(3);
  });
});

describe('connection limits', () => {
  it('answers 431 to headers past limits.maxHeaderBytes, and counts it', async () => {
    const res = await request(`${c.httpUrl}/v1/logs`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json', 'x-padding': 'p'.repeat(8192) },
    });
    await res.body.arrayBuffer();
    expect(res.statusCode).toBe(431);
    expect(await refusedCount('header_too_large')).toBe(1);
  });

  it.each([
    ['headers', 'POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n'],
    [
      'body',
      'POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"res',
    ],
  ])('answers 408 and closes the connection of a client that stalls in its %s', async (_part, partial) => {
    const before = await refusedCount('request_timeout');
    const { closed } = rawConnection(partial);
    expect(await closed).toMatch(/^HTTP\/1\.1 408 /);
    expect(await refusedCount('request_timeout')).toBe(before + 1);
  });

  it('closes a keep-alive connection left idle', async () => {
    const { closed } = rawConnection('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await closed).toMatch(/^HTTP\/1\.1 200 /);
  });
});
