/**
 * The OTLP receivers' contract over real sockets: bad input, limits, compression, framing,
 * backpressure and a failing disk, for OTLP/HTTP (protobuf and JSON) and OTLP/gRPC. Every error
 * carries a google.rpc.Status in the request's encoding, and the collector keeps serving afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { connect } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, deflateSync, gzipSync } from 'node:zlib';
import { request } from 'undici';
import type { Signal } from '../../src/model/otlp.js';
import {
  grpcPath,
  requestType,
  responseType,
  retryInfoType,
  statusType,
} from '../../src/pipeline/decode/otlp-proto.js';
import type { RowBatch, SessionContextRow, ToolOutcomeRow } from '../../src/model/records.js';
import type { Dialect } from '../../src/store/dialect.js';
import { DuckdbStore } from '../../src/store/duckdb/duckdb-store.js';
import type { CellValue, QueryOptions, QueryResult, Store, WriteResult } from '../../src/store/store.js';
import { openWalFile, type OpenWalFile } from '../../src/wal/wal-file.js';
import { startTestCollector, tempDir, type TestCollector } from '../support/collector-fixture.js';

// ---------------------------------------------------------------------------------------------
// Payload builders. OTLP/JSON carries ids as hex; protobuf (through protobufjs) as bytes.

type Enc = 'json' | 'protobuf';
type Obj = Record<string, unknown>;

const CONTENT_TYPE: Record<Enc, string> = { json: 'application/json', protobuf: 'application/x-protobuf' };
const BASE_NANOS = 1_760_000_000_000_000_000n;

const id = (hex: string, enc: Enc): string | Buffer => (enc === 'json' ? hex : Buffer.from(hex, 'hex'));
const str = (key: string, value: string): Obj => ({ key, value: { stringValue: value } });
const resource = { attributes: [str('service.name', 'claude-code'), str('service.version', '2.1.328')] };

/** A Claude Code user_prompt event tagged with `session` (the tests find rows by session.id). */
function logRecord(session: string, i: number, extra: Obj = {}): Obj {
  return {
    timeUnixNano: String(BASE_NANOS + BigInt(i) * 1_000_000n),
    body: { stringValue: 'claude_code.user_prompt' },
    attributes: [
      str('event.name', 'user_prompt'),
      str('session.id', session),
      str('prompt_length', String(10 + i)),
      { key: 'event.sequence', value: { intValue: String(i) } },
    ],
    ...extra,
  };
}

const logsRequest = (records: Obj[]): Obj => ({
  resourceLogs: [
    { resource, scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events' }, logRecords: records }] },
  ],
});

function span(session: string, i: number, enc: Enc, extra: Obj = {}): Obj {
  return {
    traceId: id('5b8efff798038103d269b633813fc60c', enc),
    spanId: id(`eee19b7ec3c1b1${String(i).padStart(2, '0')}`, enc),
    name: 'claude_code.interaction',
    kind: 1,
    startTimeUnixNano: String(BASE_NANOS + BigInt(i) * 1_000_000n),
    endTimeUnixNano: String(BASE_NANOS + BigInt(i) * 1_000_000n + 500_000n),
    attributes: [str('session.id', session)],
    status: {},
    ...extra,
  };
}

const tracesRequest = (spans: Obj[]): Obj => ({
  resourceSpans: [
    { resource, scopeSpans: [{ scope: { name: 'com.anthropic.claude_code.tracing' }, spans }] },
  ],
});

function sumPoint(session: string, i: number, extra: Obj = {}): Obj {
  return {
    attributes: [str('session.id', session), str('type', `t${i}`)],
    startTimeUnixNano: String(BASE_NANOS),
    timeUnixNano: String(BASE_NANOS + BigInt(i + 1) * 1_000_000_000n),
    asInt: String(100 + i),
    ...extra,
  };
}

const metricsRequest = (points: Obj[]): Obj => ({
  resourceMetrics: [
    {
      resource,
      scopeMetrics: [
        {
          scope: { name: 'com.anthropic.claude_code' },
          metrics: [
            {
              name: 'claude_code.token.usage',
              unit: 'tokens',
              sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: points },
            },
          ],
        },
      ],
    },
  ],
});

function encode(signal: Signal, enc: Enc, req: Obj): Buffer {
  if (enc === 'json') return Buffer.from(JSON.stringify(req));
  const type = requestType(signal);
  return Buffer.from(type.encode(type.fromObject(req)).finish());
}

// ---------------------------------------------------------------------------------------------
// Clients and reply decoding.

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

async function send(
  c: TestCollector,
  path: string,
  body: Buffer | string | Readable | null,
  headers: Record<string, string> = {},
  method: 'POST' | 'GET' = 'POST',
): Promise<Reply> {
  const res = await request(`${c.httpUrl}${path}`, { method, headers, body });
  return { status: res.statusCode, headers: res.headers, body: Buffer.from(await res.body.arrayBuffer()) };
}

const post = (
  c: TestCollector,
  signal: Signal,
  enc: Enc,
  body: Buffer | Readable,
  headers: Record<string, string> = {},
) => send(c, `/v1/${signal}`, body, { 'content-type': CONTENT_TYPE[enc], ...headers });

interface RpcStatus {
  code: number;
  message: string;
  details: { typeUrl: string; value: Uint8Array }[];
}

function decodeStatus(bytes: Uint8Array): RpcStatus {
  return statusType.toObject(statusType.decode(bytes), {
    defaults: true,
    arrays: true,
    longs: Number,
  }) as RpcStatus;
}

/** The google.rpc.Status of an error reply, checked to be in the request's encoding. */
function statusOf(r: Reply, enc: Enc): RpcStatus {
  expect(String(r.headers['content-type'])).toContain(CONTENT_TYPE[enc]);
  if (enc === 'protobuf') return decodeStatus(r.body);
  const parsed = JSON.parse(r.body.toString('utf8')) as { code: unknown; message: unknown };
  expect(Object.keys(parsed).sort()).toEqual(['code', 'message']);
  expect(typeof parsed.code).toBe('number');
  expect(typeof parsed.message).toBe('string');
  return { code: parsed.code as number, message: parsed.message as string, details: [] };
}

function retryDelaySeconds(status: RpcStatus): number {
  const info = status.details.find((d) => d.typeUrl === 'type.googleapis.com/google.rpc.RetryInfo');
  expect(info).toBeDefined();
  const decoded = retryInfoType.toObject(retryInfoType.decode(info?.value ?? new Uint8Array()), {
    defaults: true,
    longs: Number,
  }) as { retryDelay?: { seconds: number } };
  return decoded.retryDelay?.seconds ?? -1;
}

type Response = { partialSuccess?: Record<string, string> };

function decodeResponse(signal: Signal, bytes: Uint8Array): Response {
  const type = responseType(signal);
  return type.toObject(type.decode(bytes), { longs: String }) as Response;
}

const GRPC_CODE = grpc.status;

interface GrpcReply {
  error: grpc.ServiceError | null;
  response: Buffer | undefined;
}

function grpcExport(
  c: TestCollector,
  signal: Signal,
  body: Buffer,
  options: grpc.ClientOptions = {},
): Promise<GrpcReply> {
  const client = new grpc.Client(`127.0.0.1:${c.grpcPort}`, grpc.credentials.createInsecure(), options);
  const raw = (b: Buffer): Buffer => b;
  return new Promise((resolve) => {
    client.makeUnaryRequest(grpcPath(signal), raw, raw, body, new grpc.Metadata(), {}, (error, response) => {
      client.close();
      resolve({ error, response });
    });
  });
}

/** The Status carried in a gRPC error's grpc-status-details-bin trailer. */
function grpcStatusDetails(err: grpc.ServiceError | null): RpcStatus {
  const [bin] = err?.metadata.get('grpc-status-details-bin') ?? [];
  expect(Buffer.isBuffer(bin)).toBe(true);
  return decodeStatus(bin as Buffer);
}

// ---------------------------------------------------------------------------------------------
// Store checks.

async function count(
  c: TestCollector,
  table: 'events' | 'spans' | 'metric_points',
  session: string,
): Promise<number> {
  await c.drained();
  const r = await c.store.query(`SELECT count(*) FROM ${table} WHERE session_id = ?`, [session]);
  return Number(r.rows[0]?.[0]);
}

let probes = 0;
/** A good request still gets 200 and its record lands. */
async function expectStillServing(c: TestCollector): Promise<void> {
  const session = `probe-${++probes}`;
  const r = await post(c, 'logs', 'json', encode('logs', 'json', logsRequest([logRecord(session, 0)])));
  expect(r.status).toBe(200);
  expect(r.body.toString()).toBe('{}');
  expect(await count(c, 'events', session)).toBe(1);
}

/** 200 MB (by default) of zeros, gzipped: a small body that inflates enormously. */
async function gzipBomb(inflatedBytes = 200 * 1024 * 1024): Promise<Buffer> {
  const zeros = Buffer.alloc(1024 * 1024);
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(
      (function* () {
        for (let n = 0; n < inflatedBytes; n += zeros.length) yield zeros;
      })(),
    ),
    createGzip({ level: 9 }),
    async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) out.push(chunk);
    },
  );
  return Buffer.concat(out);
}

/** Splits `buf` into a stream of `size`-byte chunks (sent chunked: no Content-Length). */
function chunks(buf: Buffer, size: number): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
    })(),
  );
}

// ---------------------------------------------------------------------------------------------

describe('OTLP receivers on a collector with default limits', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector();
  });
  afterAll(async () => {
    await c?.dispose();
  });

  describe('undecodable payloads', () => {
    it('answers 400 with a protobuf Status to a truncated protobuf body', async () => {
      const whole = encode(
        'logs',
        'protobuf',
        logsRequest([logRecord('truncated', 0), logRecord('truncated', 1)]),
      );
      const r = await post(c, 'logs', 'protobuf', whole.subarray(0, Math.floor(whole.length / 2)));
      expect(r.status).toBe(400);
      const status = statusOf(r, 'protobuf');
      expect(status.code).toBe(GRPC_CODE.INVALID_ARGUMENT);
      expect(status.message).toMatch(/invalid protobuf ExportLogsServiceRequest/);
      expect(await count(c, 'events', 'truncated')).toBe(0);
      await expectStillServing(c);
    });

    it('answers 400 with a JSON Status to invalid JSON', async () => {
      const r = await post(c, 'logs', 'json', Buffer.from('{"resourceLogs": [ {'));
      expect(r.status).toBe(400);
      const status = statusOf(r, 'json');
      expect(status.code).toBe(GRPC_CODE.INVALID_ARGUMENT);
      expect(status.message).toMatch(/invalid JSON/);
      await expectStillServing(c);
    });

    it.each([
      ['logs', '{"resourceLogs": 5}', /resourceLogs/],
      ['logs', '[]', /ExportLogsServiceRequest/],
      ['traces', '{"resourceSpans": [{"scopeSpans": {"spans": []}}]}', /resourceSpans\[0\]\.scopeSpans/],
      ['metrics', '{"resourceMetrics": [{"resource": "claude"}]}', /resourceMetrics\[0\]\.resource/],
    ] as const)(
      'answers 400 naming the field to valid JSON that is not OTLP (%s: %s)',
      async (signal, body, field) => {
        const r = await post(c, signal, 'json', Buffer.from(body));
        expect(r.status).toBe(400);
        const status = statusOf(r, 'json');
        expect(status.code).toBe(GRPC_CODE.INVALID_ARGUMENT);
        expect(status.message).toMatch(field);
        await expectStillServing(c);
      },
    );

    it('accepts an empty request ({}) with an empty response', async () => {
      const r = await post(c, 'logs', 'json', Buffer.from('{}'));
      expect(r.status).toBe(200);
      expect(r.body.toString()).toBe('{}');
    });
  });

  describe('partial success', () => {
    it('rejects one malformed log record (JSON traceId of the wrong length) and stores the rest', async () => {
      const session = 'partial-json-logs';
      const req = logsRequest([
        logRecord(session, 0),
        logRecord(session, 1, { traceId: 'abc123' }),
        logRecord(session, 2),
      ]);
      const r = await post(c, 'logs', 'json', encode('logs', 'json', req));
      expect(r.status).toBe(200);
      const body = JSON.parse(r.body.toString()) as {
        partialSuccess: { rejectedLogRecords: string; errorMessage: string };
      };
      expect(body.partialSuccess.rejectedLogRecords).toBe('1');
      expect(body.partialSuccess.errorMessage).toMatch(/logRecords\[1\]\.traceId/);
      expect(await count(c, 'events', session)).toBe(2);
      const stored = await c.store.query(
        'SELECT prompt_length FROM events WHERE session_id = ? ORDER BY ts',
        [session],
      );
      expect(stored.rows).toEqual([[10], [12]]);
    });

    it('reports partial success in protobuf for a protobuf request (5-byte traceId)', async () => {
      const session = 'partial-proto-logs';
      const req = logsRequest([
        logRecord(session, 0, { traceId: Buffer.alloc(5, 1) }),
        logRecord(session, 1, { traceId: id('0af7651916cd43dd8448eb211c80319c', 'protobuf') }),
      ]);
      const r = await post(c, 'logs', 'protobuf', encode('logs', 'protobuf', req));
      expect(r.status).toBe(200);
      expect(String(r.headers['content-type'])).toContain('application/x-protobuf');
      const res = decodeResponse('logs', r.body);
      expect(res.partialSuccess?.rejectedLogRecords).toBe('1');
      expect(res.partialSuccess?.errorMessage).toMatch(/traceId: expected 16 bytes, got 5/);
      await c.drained();
      const stored = await c.store.query('SELECT trace_id FROM events WHERE session_id = ?', [session]);
      expect(stored.rows).toEqual([['0af7651916cd43dd8448eb211c80319c']]);
    });

    it('counts rejected spans and data points under their own field names', async () => {
      const spans = 'partial-spans';
      const tr = await post(
        c,
        'traces',
        'json',
        encode(
          'traces',
          'json',
          tracesRequest([span(spans, 1, 'json'), span(spans, 2, 'json', { spanId: 'zz' })]),
        ),
      );
      expect(tr.status).toBe(200);
      expect(JSON.parse(tr.body.toString())).toEqual({
        partialSuccess: { rejectedSpans: '1', errorMessage: expect.stringMatching(/spans\[1\]\.spanId/) },
      });
      expect(await count(c, 'spans', spans)).toBe(1);

      const points = 'partial-points';
      const mr = await post(
        c,
        'metrics',
        'json',
        encode(
          'metrics',
          'json',
          metricsRequest([sumPoint(points, 1), sumPoint(points, 2, { asInt: 'lots' })]),
        ),
      );
      expect(mr.status).toBe(200);
      expect(JSON.parse(mr.body.toString())).toEqual({
        partialSuccess: {
          rejectedDataPoints: '1',
          errorMessage: expect.stringMatching(/dataPoints\[1\]\.asInt/),
        },
      });
      expect(await count(c, 'metric_points', points)).toBe(1);
    });
  });

  describe('content type, method and path', () => {
    it.each(['text/plain', 'application/grpc'])(
      'answers 415 with a JSON Status to Content-Type %s',
      async (type) => {
        const r = await send(c, '/v1/logs', encode('logs', 'json', logsRequest([logRecord('ct', 0)])), {
          'content-type': type,
        });
        expect(r.status).toBe(415);
        const status = statusOf(r, 'json');
        expect(status.code).toBe(GRPC_CODE.INVALID_ARGUMENT);
        expect(status.message).toContain(`"${type}"`);
        expect(await count(c, 'events', 'ct')).toBe(0);
        await expectStillServing(c);
      },
    );

    it('answers 415 to a body without a Content-Type', async () => {
      const r = await send(c, '/v1/logs', '{}');
      expect(r.status).toBe(415);
      expect(statusOf(r, 'json').message).toMatch(/unsupported Content-Type/);
    });

    it('answers 415 with a JSON Status to a malformed Content-Type', async () => {
      const r = await send(c, '/v1/logs', '{}', { 'content-type': 'application/json/x;;' });
      expect(r.status).toBe(415);
      const status = statusOf(r, 'json');
      expect(status.code).toBe(GRPC_CODE.INVALID_ARGUMENT);
      expect(status.message).toMatch(/media type|content-type/i);
      await expectStillServing(c);
    });

    it('answers 415 to an unsupported Content-Encoding', async () => {
      const r = await post(c, 'logs', 'json', Buffer.from('{}'), { 'content-encoding': 'br' });
      expect(r.status).toBe(415);
      expect(statusOf(r, 'json').message).toMatch(/Content-Encoding "br"/);
      await expectStillServing(c);
    });

    it('answers 404 with a Status in the request encoding to an unknown path', async () => {
      const json = await send(c, '/v1/profiles', '{}', { 'content-type': 'application/json' });
      expect(json.status).toBe(404);
      const js = statusOf(json, 'json');
      expect(js.code).toBe(GRPC_CODE.NOT_FOUND);
      expect(js.message).toMatch(/POST \/v1\/profiles/);

      const proto = await send(c, '/v1/log', Buffer.alloc(0), { 'content-type': 'application/x-protobuf' });
      expect(proto.status).toBe(404);
      const ps = statusOf(proto, 'protobuf');
      expect(ps.code).toBe(GRPC_CODE.NOT_FOUND);
      expect(ps.message).toMatch(/\/v1\/logs, \/v1\/metrics, \/v1\/traces/);
      await expectStillServing(c);
    });

    it('refuses GET on an export path with 405, naming POST, and a Status', async () => {
      const r = await send(c, '/v1/logs', null, {}, 'GET');
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe('POST');
      const status = statusOf(r, 'json');
      expect(status.message).toMatch(/GET is not allowed on \/v1\/logs/);
      await expectStillServing(c);
    });
  });

  describe('compression and framing', () => {
    it('stores a gzip-compressed protobuf body', async () => {
      const session = 'gzip-proto';
      const body = gzipSync(
        encode('logs', 'protobuf', logsRequest([logRecord(session, 0), logRecord(session, 1)])),
      );
      const r = await post(c, 'logs', 'protobuf', body, { 'content-encoding': 'gzip' });
      expect(r.status).toBe(200);
      expect(decodeResponse('logs', r.body)).toEqual({});
      expect(await count(c, 'events', session)).toBe(2);
    });

    it('stores gzip- and deflate-compressed JSON bodies', async () => {
      const session = 'compressed-json';
      const gz = await post(
        c,
        'logs',
        'json',
        gzipSync(encode('logs', 'json', logsRequest([logRecord(session, 0)]))),
        {
          'content-encoding': 'gzip',
        },
      );
      expect(gz.status).toBe(200);
      const df = await post(
        c,
        'logs',
        'json',
        deflateSync(encode('logs', 'json', logsRequest([logRecord(session, 1)]))),
        {
          'content-encoding': 'deflate',
        },
      );
      expect(df.status).toBe(200);
      expect(await count(c, 'events', session)).toBe(2);
    });

    it('stores a gzip body streamed in small chunks without Content-Length', async () => {
      const session = 'gzip-chunked';
      const body = gzipSync(
        encode('metrics', 'protobuf', metricsRequest([sumPoint(session, 1), sumPoint(session, 2)])),
      );
      const r = await post(c, 'metrics', 'protobuf', chunks(body, 7), { 'content-encoding': 'gzip' });
      expect(r.status).toBe(200);
      expect(await count(c, 'metric_points', session)).toBe(2);
    });

    it('answers 400 to a body that is not the gzip it claims to be', async () => {
      const r = await post(c, 'logs', 'json', Buffer.from('{"resourceLogs": []}'), {
        'content-encoding': 'gzip',
      });
      expect(r.status).toBe(400);
      expect(statusOf(r, 'json').message).toMatch(/could not decompress the gzip body/);
      await expectStillServing(c);
    });

    it('stores a chunked body (Transfer-Encoding: chunked, no Content-Length) written on a raw socket', async () => {
      const session = 'raw-chunked';
      const body = encode('logs', 'json', logsRequest([logRecord(session, 0), logRecord(session, 1)]));
      const url = new URL(c.httpUrl);
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(url.port), url.hostname, () => {
          socket.write(
            `POST /v1/logs HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
              'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
          );
          // Chunks split the JSON mid-token.
          for (let i = 0; i < body.length; i += 50) {
            const part = body.subarray(i, i + 50);
            socket.write(`${part.length.toString(16)}\r\n`);
            socket.write(part);
            socket.write('\r\n');
          }
          socket.write('0\r\n\r\n');
        });
        let out = '';
        socket.on('data', (d: Buffer) => (out += d.toString()));
        socket.on('end', () => resolve(out));
        socket.on('error', reject);
      });
      const [head = '', payload] = raw.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 200 /);
      expect(head.toLowerCase()).toContain('content-type: application/json');
      expect(payload).toBe('{}');
      expect(await count(c, 'events', session)).toBe(2);
    });
  });

  describe('OTLP/gRPC', () => {
    const signals: {
      signal: Signal;
      table: 'events' | 'spans' | 'metric_points';
      req: (s: string) => Obj;
    }[] = [
      { signal: 'logs', table: 'events', req: (s) => logsRequest([logRecord(s, 0), logRecord(s, 1)]) },
      {
        signal: 'traces',
        table: 'spans',
        req: (s) => tracesRequest([span(s, 20, 'protobuf'), span(s, 21, 'protobuf')]),
      },
      {
        signal: 'metrics',
        table: 'metric_points',
        req: (s) => metricsRequest([sumPoint(s, 1), sumPoint(s, 2)]),
      },
    ];

    it.each(signals)(
      'exports $signal: OK, an empty decodable response, and the records stored',
      async ({ signal, table, req }) => {
        const session = `grpc-${signal}`;
        const { error, response } = await grpcExport(c, signal, encode(signal, 'protobuf', req(session)));
        expect(error).toBeNull();
        expect(response).toBeInstanceOf(Buffer);
        expect(decodeResponse(signal, response ?? Buffer.alloc(1, 0xff))).toEqual({});
        expect(await count(c, table, session)).toBe(2);
      },
    );

    it('accepts a gzip-compressed gRPC message', async () => {
      const session = 'grpc-gzip';
      const { error } = await grpcExport(
        c,
        'logs',
        encode('logs', 'protobuf', logsRequest([logRecord(session, 0)])),
        {
          'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip,
        },
      );
      expect(error).toBeNull();
      expect(await count(c, 'events', session)).toBe(1);
    });

    it('reports partial success for one malformed record', async () => {
      const session = 'grpc-partial';
      const req = logsRequest([logRecord(session, 0), logRecord(session, 1, { spanId: Buffer.alloc(3, 7) })]);
      const { error, response } = await grpcExport(c, 'logs', encode('logs', 'protobuf', req));
      expect(error).toBeNull();
      const res = decodeResponse('logs', response ?? Buffer.alloc(0));
      expect(res.partialSuccess?.rejectedLogRecords).toBe('1');
      expect(res.partialSuccess?.errorMessage).toMatch(/spanId: expected 8 bytes, got 3/);
      expect(await count(c, 'events', session)).toBe(1);
    });

    it.each(signals)(
      'answers INVALID_ARGUMENT to bytes that are not an $signal request',
      async ({ signal }) => {
        const { error } = await grpcExport(
          c,
          signal,
          Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]),
        );
        expect(error?.code).toBe(GRPC_CODE.INVALID_ARGUMENT);
        expect(error?.details).toMatch(/invalid protobuf Export\w+ServiceRequest/);
        const { error: after } = await grpcExport(c, signal, encode(signal, 'protobuf', {}));
        expect(after).toBeNull();
        await expectStillServing(c);
      },
    );
  });
});

describe('size limits', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector({ limits: { maxBodyBytes: 1_000_000, maxDecompressedBytes: 1_000_000 } });
  });
  afterAll(async () => {
    await c?.dispose();
  });

  const big = (session: string): Buffer =>
    encode(
      'logs',
      'json',
      logsRequest([logRecord(session, 0, { body: { stringValue: 'x'.repeat(1_500_000) } })]),
    );

  it('answers 413 to a body whose Content-Length is over the limit', async () => {
    const body = big('oversize-cl');
    const r = await post(c, 'logs', 'json', body);
    expect(r.status).toBe(413);
    const status = statusOf(r, 'json');
    expect(status.code).toBe(GRPC_CODE.RESOURCE_EXHAUSTED);
    expect(status.message).toBe(`request body of ${body.length} bytes exceeds the limit of 1000000`);
    expect(await count(c, 'events', 'oversize-cl')).toBe(0);
    await expectStillServing(c);
  });

  it('answers 413 to a chunked body without Content-Length that grows over the limit', async () => {
    const r = await post(c, 'logs', 'protobuf', chunks(big('oversize-chunked'), 64 * 1024));
    expect(r.status).toBe(413);
    const status = statusOf(r, 'protobuf');
    expect(status.code).toBe(GRPC_CODE.RESOURCE_EXHAUSTED);
    expect(status.message).toBe('request body exceeds the limit of 1000000 bytes');
    expect(await count(c, 'events', 'oversize-chunked')).toBe(0);
    await expectStillServing(c);
  });

  it('stops a streamed gzip bomb at the decompressed limit without exhausting memory', async () => {
    const bomb = await gzipBomb();
    // Small on the wire, so the decompressed limit, not the body limit, is what stops it.
    expect(bomb.length).toBeLessThan(1_000_000);
    const before = process.memoryUsage().rss;
    const r = await post(c, 'logs', 'json', chunks(bomb, 16 * 1024), { 'content-encoding': 'gzip' });
    const grown = process.memoryUsage().rss - before;
    expect(r.status).toBe(413);
    expect(statusOf(r, 'json').message).toBe('decompressed request body exceeds the limit of 1000000 bytes');
    expect(grown).toBeLessThan(200 * 1024 * 1024);
    await expectStillServing(c);
  });

  it('answers RESOURCE_EXHAUSTED to a gRPC message over the limit', async () => {
    const body = encode(
      'logs',
      'protobuf',
      logsRequest([logRecord('grpc-oversize', 0, { body: { stringValue: 'x'.repeat(1_500_000) } })]),
    );
    const { error } = await grpcExport(c, 'logs', body);
    expect(error?.code).toBe(GRPC_CODE.RESOURCE_EXHAUSTED);
    expect(await count(c, 'events', 'grpc-oversize')).toBe(0);
    expect((await grpcExport(c, 'logs', encode('logs', 'protobuf', logsRequest([])))).error).toBeNull();
  });
});

/** A real DuckDB store whose writes wait until the gate opens: the store is down, the log fills. */
class GatedStore implements Store {
  readonly dialect: Dialect;
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  constructor(private readonly inner: DuckdbStore) {
    this.dialect = inner.dialect;
  }
  release(): void {
    this.open();
  }
  start(): Promise<void> {
    return this.inner.start();
  }
  async write(batch: RowBatch): Promise<WriteResult> {
    await this.gate;
    return this.inner.write(batch);
  }
  writeContexts(rows: SessionContextRow[]): Promise<void> {
    return this.inner.writeContexts(rows);
  }
  writeToolOutcomes(rows: ToolOutcomeRow[]): Promise<void> {
    return this.inner.writeToolOutcomes(rows);
  }
  query(sql: string, params?: CellValue[], opts?: QueryOptions): Promise<QueryResult> {
    return this.inner.query(sql, params, opts);
  }
  close(): Promise<void> {
    this.release();
    return this.inner.close();
  }
}

describe('backpressure: the store is down and the write-ahead log fills up', () => {
  let c: TestCollector;
  let store: GatedStore;
  let accepted: string[] = [];
  const refused = new Map<Enc | 'grpc', { session: string; body: Buffer }>();
  beforeAll(async () => {
    const dir = tempDir('backpressure-');
    store = new GatedStore(new DuckdbStore({ file: path.join(dir, 'gated.duckdb') }));
    c = await startTestCollector({ dataDir: dir, wal: { maxPendingBytes: 30_000 } }, { store });
  });
  afterAll(async () => {
    await c?.dispose();
  });

  const batch = (session: string, enc: Enc): Buffer =>
    encode('logs', enc, logsRequest(Array.from({ length: 10 }, (_, i) => logRecord(session, i))));

  /** Posts batches until the log refuses one (bounded); returns the refused reply. */
  async function fill(enc: Enc): Promise<Reply> {
    for (let i = 0; i < 100; i++) {
      const session = `fill-${enc}-${i}`;
      const body = batch(session, enc);
      const r = await post(c, 'logs', enc, body);
      if (r.status !== 200) {
        refused.set(enc, { session, body });
        return r;
      }
      accepted.push(session);
    }
    throw new Error('the log never filled up');
  }

  it('keeps accepting until its bound, then answers 429 with Retry-After and a JSON Status', async () => {
    const r = await fill('json');
    expect(accepted.length).toBeGreaterThan(0);
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('2');
    const status = statusOf(r, 'json');
    expect(status.code).toBe(GRPC_CODE.RESOURCE_EXHAUSTED);
    expect(status.message).toMatch(/write-ahead log is full/);
  });

  it('answers 429 with a protobuf Status carrying RetryInfo to a protobuf request', async () => {
    const r = await fill('protobuf');
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('2');
    const status = statusOf(r, 'protobuf');
    expect(status.code).toBe(GRPC_CODE.RESOURCE_EXHAUSTED);
    expect(retryDelaySeconds(status)).toBe(2);
  });

  it('answers RESOURCE_EXHAUSTED over gRPC with a RetryInfo in grpc-status-details-bin', async () => {
    const body = batch('full-grpc', 'protobuf');
    const { error } = await grpcExport(c, 'logs', body);
    expect(error?.code).toBe(GRPC_CODE.RESOURCE_EXHAUSTED);
    const status = grpcStatusDetails(error);
    expect(status.code).toBe(GRPC_CODE.RESOURCE_EXHAUSTED);
    expect(status.message).toMatch(/write-ahead log is full/);
    expect(retryDelaySeconds(status)).toBe(2);
    refused.set('grpc', { session: 'full-grpc', body });
  });

  it('stores everything it acknowledged once the store is back, and takes the retries', async () => {
    store.release();
    await c.drained();
    for (const session of accepted) expect(await count(c, 'events', session)).toBe(10);
    for (const { session } of refused.values()) expect(await count(c, 'events', session)).toBe(0);
    for (const [enc, { session, body }] of refused) {
      if (enc === 'grpc') expect((await grpcExport(c, 'logs', body)).error).toBeNull();
      else expect((await post(c, 'logs', enc, body)).status).toBe(200);
      await c.drained();
      expect(await count(c, 'events', session)).toBe(10);
    }
    accepted = [];
  });
});

describe('one batch larger than the whole write-ahead log bound', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector({ wal: { maxPendingBytes: 2000 } });
  });
  afterAll(async () => {
    await c?.dispose();
  });

  const large = (session: string, enc: Enc): Buffer =>
    encode('logs', enc, logsRequest(Array.from({ length: 20 }, (_, i) => logRecord(session, i))));

  it('answers 413 (retrying cannot help), not 429', async () => {
    for (const enc of ['json', 'protobuf'] as const) {
      const r = await post(c, 'logs', enc, large(`too-large-${enc}`, enc));
      expect(r.status).toBe(413);
      expect(r.headers['retry-after']).toBeUndefined();
      expect(statusOf(r, enc).message).toMatch(/exceeds the write-ahead log bound/);
      expect(await count(c, 'events', `too-large-${enc}`)).toBe(0);
    }
    await expectStillServing(c);
  });

  it('answers RESOURCE_EXHAUSTED over gRPC without a retry hint', async () => {
    const { error } = await grpcExport(c, 'logs', large('too-large-grpc', 'protobuf'));
    expect(error?.code).toBe(GRPC_CODE.RESOURCE_EXHAUSTED);
    expect(error?.metadata.get('grpc-status-details-bin')).toEqual([]);
    await expectStillServing(c);
  });
});

describe('a failing disk (fdatasync fails)', () => {
  let c: TestCollector;
  let failing = false;
  const faultyDisk: OpenWalFile = async (path) => {
    const file = await openWalFile(path);
    return {
      writev: (buffers) => file.writev(buffers),
      datasync: () =>
        failing ? Promise.reject(new Error('EIO: simulated fdatasync failure')) : file.datasync(),
      truncate: (size) => file.truncate(size),
      close: () => file.close(),
    };
  };

  beforeAll(async () => {
    c = await startTestCollector({}, { openWalFile: faultyDisk });
  });
  afterAll(async () => {
    failing = false;
    await c?.dispose();
  });

  it('answers 503 with Retry-After, stores nothing, and takes the retry once the disk recovers', async () => {
    const session = 'disk-json';
    const body = encode('logs', 'json', logsRequest([logRecord(session, 0)]));
    failing = true;
    const r = await post(c, 'logs', 'json', body);
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('2');
    const status = statusOf(r, 'json');
    expect(status.code).toBe(GRPC_CODE.UNAVAILABLE);
    expect(status.message).toMatch(/simulated fdatasync failure/);
    expect(await count(c, 'events', session)).toBe(0);

    failing = false;
    const retry = await post(c, 'logs', 'json', body);
    expect(retry.status).toBe(200);
    expect(await count(c, 'events', session)).toBe(1);
    await expectStillServing(c);
  });

  it('answers 503 with RetryInfo to protobuf and UNAVAILABLE with RetryInfo to gRPC', async () => {
    const session = 'disk-proto';
    const body = encode('logs', 'protobuf', logsRequest([logRecord(session, 0)]));
    failing = true;
    const r = await post(c, 'logs', 'protobuf', body);
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('2');
    const status = statusOf(r, 'protobuf');
    expect(status.code).toBe(GRPC_CODE.UNAVAILABLE);
    expect(retryDelaySeconds(status)).toBe(2);

    const { error } = await grpcExport(c, 'logs', body);
    expect(error?.code).toBe(GRPC_CODE.UNAVAILABLE);
    expect(retryDelaySeconds(grpcStatusDetails(error))).toBe(2);
    expect(await count(c, 'events', session)).toBe(0);

    failing = false;
    expect((await grpcExport(c, 'logs', body)).error).toBeNull();
    expect(await count(c, 'events', session)).toBe(1);
  });
});

describe('ops endpoints', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector();
  });
  afterAll(async () => {
    await c?.dispose();
  });

  interface Sample {
    name: string;
    labels: Record<string, string>;
    value: number;
  }

  function samples(text: string): Sample[] {
    const out: Sample[] = [];
    for (const line of text.split('\n')) {
      const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m || line.startsWith('#')) continue;
      const labels = Object.fromEntries(
        [...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]),
      );
      out.push({ name: m[1] as string, labels, value: Number(m[3]) });
    }
    return out;
  }

  const value = (all: Sample[], name: string, labels: Record<string, string>): number | undefined =>
    all.find(
      (s) =>
        s.name === name &&
        JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(Object.entries(labels).sort()),
    )?.value;

  it('answers /healthz and /readyz with 200', async () => {
    const health = await send(c, '/healthz', null, {}, 'GET');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body.toString())).toEqual({ status: 'ok' });
    const ready = await send(c, '/readyz', null, {}, 'GET');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body.toString())).toMatchObject({ status: 'ready' });
  });

  it('counts requests and records on /metrics', async () => {
    const s = 'ops';
    expect(
      (await post(c, 'logs', 'json', encode('logs', 'json', logsRequest([logRecord(s, 0), logRecord(s, 1)]))))
        .status,
    ).toBe(200);
    expect(
      (await post(c, 'logs', 'protobuf', encode('logs', 'protobuf', logsRequest([logRecord(s, 2)])))).status,
    ).toBe(200);
    const partial = logsRequest([logRecord(s, 3), logRecord(s, 4, { traceId: 'ff' })]);
    expect((await post(c, 'logs', 'json', encode('logs', 'json', partial))).status).toBe(200);
    expect((await post(c, 'logs', 'json', Buffer.from('not json'))).status).toBe(400);
    expect((await send(c, '/v1/logs', '{}', { 'content-type': 'text/plain' })).status).toBe(415);
    const traces = encode(
      'traces',
      'protobuf',
      tracesRequest([span(s, 1, 'protobuf'), span(s, 2, 'protobuf')]),
    );
    expect((await grpcExport(c, 'traces', traces)).error).toBeNull();
    expect((await grpcExport(c, 'metrics', Buffer.from([0xff]))).error?.code).toBe(
      GRPC_CODE.INVALID_ARGUMENT,
    );
    await c.drained();

    const r = await send(c, '/metrics', null, {}, 'GET');
    expect(r.status).toBe(200);
    expect(String(r.headers['content-type'])).toContain('text/plain');
    const text = r.body.toString();
    expect(text).toContain('# TYPE unsilo_requests_total counter');
    expect(text).toContain('# TYPE unsilo_records_received_total counter');
    const all = samples(text);
    const requests = (labels: Record<string, string>): number | undefined =>
      value(all, 'unsilo_requests_total', labels);
    expect(requests({ protocol: 'http', signal: 'logs', status: '200' })).toBe(3);
    expect(requests({ protocol: 'http', signal: 'logs', status: '400' })).toBe(1);
    expect(requests({ protocol: 'http', signal: 'logs', status: '415' })).toBe(1);
    expect(requests({ protocol: 'grpc', signal: 'traces', status: 'OK' })).toBe(1);
    expect(requests({ protocol: 'grpc', signal: 'metrics', status: 'INVALID_ARGUMENT' })).toBe(1);
    expect(value(all, 'unsilo_records_received_total', { signal: 'logs' })).toBe(4);
    expect(value(all, 'unsilo_records_received_total', { signal: 'traces' })).toBe(2);
    expect(value(all, 'unsilo_records_rejected_total', { signal: 'logs' })).toBe(1);

    const now = samples((await send(c, '/metrics', null, {}, 'GET')).body.toString());
    expect(value(now, 'unsilo_records_stored_total', { signal: 'logs' })).toBe(4);
    expect(value(now, 'unsilo_records_stored_total', { signal: 'traces' })).toBe(2);
  });
});
