/**
 * The laptop relay over real sockets: it acknowledges only what is on its disk, forwards each signal
 * in order once the collector answers (after a closed port and 503s with Retry-After), removes a batch
 * only when the collector acknowledged it, counts partial success record by record and batches refused
 * for good, drops the oldest batches when its buffer is full (and says so), and keeps everything it
 * acknowledged through kill -9: after a restart each batch is stored exactly once. The hooks' posts
 * (context, tool outcomes) take the same way, redacted before they reach the disk.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeOtlp } from '../../src/pipeline/decode/decode-otlp.js';
import { responseType } from '../../src/pipeline/decode/otlp-proto.js';
import { CAPTURES } from '../fixtures/captures.js';
import { claudeLogs, toProtobuf, type EventSpec } from '../fixtures/otlp-builders.js';
import { postLogs, spawnCollector, startTestCollector, tempDir } from '../support/collector-fixture.js';
import { freePort, spawnRelay, startTestRelay } from '../support/relay-fixture.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function batch(session: string, n = 50): Buffer {
  const events = Array.from({ length: n }, (_, j): EventSpec => ({
    name: 'api_request',
    attrs: { request_id: `${session}-req-${j}`, cost_usd: 0.25, input_tokens: 10 },
  }));
  return toProtobuf('logs', claudeLogs(session, events));
}

/** The session ids in an ExportLogsServiceRequest the relay sent. */
function sessionsIn(body: Buffer): string[] {
  const decoded = decodeOtlp('logs', 'protobuf', body).batch;
  if (decoded.signal !== 'logs') return [];
  return [
    ...new Set(
      decoded.resources.flatMap((r) =>
        r.scopes.flatMap((s) => s.records.map((x) => String(x.attributes['session.id']))),
      ),
    ),
  ];
}

type Answer = { status: number; headers?: Record<string, string>; body?: Buffer };

/** An upstream that answers from a script (then 200 {}), recording every body it was sent. */
async function scriptedUpstream(port: number, script: Answer[]) {
  const received: { status: number; body: Buffer }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const a = script.shift() ?? { status: 200 };
      received.push({ status: a.status, body: Buffer.concat(chunks) });
      res.writeHead(a.status, { 'content-type': 'application/x-protobuf', ...a.headers });
      res.end(a.body ?? Buffer.alloc(0));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function partialSuccess(rejected: number, message: string): Buffer {
  const type = responseType('logs');
  return Buffer.from(
    type
      .encode(type.fromObject({ partialSuccess: { rejectedLogRecords: rejected, errorMessage: message } }))
      .finish(),
  );
}

describe('relay forwarding', () => {
  it('buffers while the collector is down, waits out 503 Retry-After, then delivers each batch once, in order', async () => {
    const port = await freePort();
    const relay = await startTestRelay(`http://127.0.0.1:${port}`);
    try {
      const sessions = Array.from({ length: 5 }, (_, i) => `down-${i}`);
      for (const s of sessions) expect(await postLogs(relay.httpUrl, batch(s))).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      const down = relay.status();
      expect(down.buffered.batches).toBe(5);
      expect(down.health?.reachable).toBe(false);
      expect(down.health?.lastError).toMatch(/ECONNREFUSED/);

      const retry = { status: 503, headers: { 'retry-after': '1' } };
      const upstream = await scriptedUpstream(port, [retry, retry]);
      try {
        expect(await relay.flushed(20_000)).toBe(true);
        const ok = upstream.received.filter((r) => r.status === 200);
        expect(upstream.received.map((r) => r.status)).toEqual([503, 503, 200, 200, 200, 200, 200]);
        expect(ok.flatMap((r) => sessionsIn(r.body))).toEqual(sessions);
        const s = relay.status();
        expect(s.sent).toEqual({ batches: 5, records: 250 });
        expect(s.dropped.batches).toBe(0);
        expect(s.health?.reachable).toBe(true);
        expect(s.buffered).toEqual({ batches: 0, bytes: 0, oldest: null });
      } finally {
        await upstream.close();
      }
    } finally {
      await relay.dispose();
    }
  });

  it('counts records refused by partial success, and drops a batch the collector refuses for good', async () => {
    const port = await freePort();
    const upstream = await scriptedUpstream(port, [
      { status: 200, body: partialSuccess(2, 'two records had no time') },
      {
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from('{"code":3,"message":"bad"}'),
      },
    ]);
    const relay = await startTestRelay(`http://127.0.0.1:${port}`);
    try {
      expect(await postLogs(relay.httpUrl, batch('partial'))).toBe(200);
      expect(await relay.flushed(10_000)).toBe(true);
      expect(await postLogs(relay.httpUrl, batch('refused'))).toBe(200);
      expect(await relay.flushed(10_000)).toBe(true);
      const s = relay.status();
      expect(s.sent).toEqual({ batches: 1, records: 48 });
      expect(s.rejected).toMatchObject({ records: 2, last: { reason: 'two records had no time' } });
      expect(s.dropped).toMatchObject({ batches: 1, records: 50, last: { reason: /HTTP 400: bad/ } });
    } finally {
      await relay.dispose();
      await upstream.close();
    }
  });

  it('drops the oldest batches when the buffer is full, counts them, and delivers the rest', async () => {
    const port = await freePort();
    const probe = await startTestRelay(`http://127.0.0.1:${port}`);
    await postLogs(probe.httpUrl, batch('size-probe'));
    const one = probe.status().buffered.bytes;
    await probe.dispose();

    const relay = await startTestRelay(`http://127.0.0.1:${port}`, {
      buffer: { maxBytes: Math.floor(one * 3.5) },
    });
    try {
      for (let i = 0; i < 6; i++) expect(await postLogs(relay.httpUrl, batch(`full-${i}`))).toBe(200);
      const s = relay.status();
      expect(s.buffered.batches).toBe(3);
      expect(s.dropped).toMatchObject({ batches: 3, records: 150, last: { reason: /buffer full/ } });
      const collector = await startTestCollector({ port });
      try {
        expect(await relay.flushed(20_000)).toBe(true);
        await collector.drained();
        const r = await collector.store.query(
          "SELECT session_id, count(*) FROM events WHERE session_id LIKE 'full-%' GROUP BY 1 ORDER BY 1",
        );
        expect(r.rows).toEqual([
          ['full-3', 50],
          ['full-4', 50],
          ['full-5', 50],
        ]);
      } finally {
        await collector.dispose();
      }
    } finally {
      await relay.dispose();
    }
  });
});

describe("relay: the hooks' posts", () => {
  it('keeps context and tool outcomes on disk, redacted, while the collector is away, and delivers each once', async () => {
    const port = await freePort();
    const relay = await startTestRelay(`http://127.0.0.1:${port}`);
    const secret = `sk-ant-api03-${'B'.repeat(93)}AA`;
    const post = async (route: string, body: object): Promise<number> =>
      (
        await fetch(`${relay.httpUrl}${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).status;
    try {
      const ts = new Date().toISOString();
      const context = {
        session_id: 'hooks-1',
        hook_event: 'SessionStart',
        ts,
        cwd: '/book',
        git_branch: 'ch07-x',
        git_remote: null,
        git_commit: null,
      };
      const outcome = {
        session_id: 'hooks-1',
        tool_use_id: 'toolu_9',
        prompt_id: null,
        ts,
        tool_name: 'Bash',
        command: `TOKEN=${secret} npm test`,
        exit_code: 1,
        success: false,
      };
      for (let i = 0; i < 2; i++) {
        expect(await post('/v1/context', context)).toBe(200);
        expect(await post('/v1/tool-outcome', outcome)).toBe(200);
      }
      expect(await post('/v1/tool-outcome', [1, 2])).toBe(400);
      expect(relay.status().buffered.batches).toBe(4);
      const onDisk = execFileSync(
        'cat',
        execFileSync('find', [relay.dataDir, '-name', '*.wal']).toString().trim().split('\n'),
      );
      expect(onDisk.includes(Buffer.from(secret))).toBe(false);
      expect(onDisk.includes(Buffer.from('npm test'))).toBe(true);

      const collector = await startTestCollector({ port });
      try {
        expect(await relay.flushed(20_000)).toBe(true);
        expect(relay.status().signals.hooks).toMatchObject({
          sentBatches: 4,
          sentRecords: 4,
          droppedBatches: 0,
        });
        const ctx = await collector.store.query(
          `SELECT branch, chapter FROM session_context WHERE session_id = 'hooks-1'`,
        );
        expect(ctx.rows).toEqual([['ch07-x', '7']]);
        const out = await collector.store.query(
          `SELECT tool_use_id, command, exit_code, validation_kind FROM tool_outcomes WHERE session_id = 'hooks-1'`,
        );
        expect(out.rows).toHaveLength(1);
        expect(out.rows[0]?.[0]).toBe('toolu_9');
        expect(String(out.rows[0]?.[1])).not.toContain(secret);
        expect(out.rows[0]?.slice(2)).toEqual([1, 'test']);
      } finally {
        await collector.dispose();
      }
    } finally {
      await relay.dispose();
    }
  });
});

describe('relay --watch', () => {
  it('gap-fills from transcripts through its buffer, once', async () => {
    const collector = await startTestCollector();
    const watch = { enabled: true, path: path.join(CAPTURES, 'transcript'), intervalMs: 200, quietMs: 0 };
    let relay = await startTestRelay(collector.httpUrl, { watch });
    try {
      const ids = async (): Promise<unknown[][]> =>
        (
          await collector.store.query(
            `SELECT request_id, count(*) FROM events WHERE event_name = 'api_request'
             AND json_extract_string(attributes, '$."unsilo.source"') = 'transcript' AND request_id IN ('req_9', 'req_10')
             GROUP BY 1 ORDER BY 1`,
          )
        ).rows;
      const deadline = Date.now() + 20_000;
      while ((await ids()).length < 2 && Date.now() < deadline) {
        await collector.drained();
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await ids()).toEqual([
        ['req_10', 1],
        ['req_9', 1],
      ]);
      const sent = relay.status().sent.batches;
      await relay.close();
      relay = await startTestRelay(collector.httpUrl, { watch, dataDir: relay.dataDir });
      await new Promise((r) => setTimeout(r, 600));
      expect(relay.status().sent.batches).toBe(sent);
    } finally {
      await relay.dispose();
      await collector.dispose();
    }
  });
});

describe('relay crash recovery', () => {
  it('delivers everything it acknowledged exactly once after kill -9 with a full buffer', async () => {
    const port = await freePort();
    const relayDir = tempDir('relay-crash-');
    const collectorDir = tempDir('relay-crash-collector-');
    dirs.push(relayDir, collectorDir);
    const upstream = `http://127.0.0.1:${port}`;
    const first = await spawnRelay(relayDir, upstream);
    const batches = Array.from({ length: 60 }, (_, i) => batch(`crash-${i}`));
    const statuses = await Promise.all(batches.map((b) => postLogs(first.httpUrl, b)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    const collector = await spawnCollector(collectorDir, ['--port', String(port)]);
    const second = await spawnRelay(relayDir, upstream);
    try {
      const deadline = Date.now() + 30_000;
      let count = 0;
      for (;;) {
        const res = await fetch(`${collector.httpUrl}/api/sql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            sql: "SELECT count(*), count(DISTINCT request_id), count(DISTINCT session_id) FROM events WHERE session_id LIKE 'crash-%'",
          }),
        });
        const rows = ((await res.json()) as { rows: number[][] }).rows;
        count = rows[0]?.[0] ?? 0;
        if (count >= 3000 || Date.now() > deadline) {
          expect(rows[0]).toEqual([3000, 3000, 60]);
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      const status = (await (await fetch(`${second.httpUrl}/relay/status`)).json()) as {
        buffered: { batches: number };
      };
      expect(status.buffered.batches).toBe(0);
    } finally {
      second.child.kill('SIGTERM');
      collector.child.kill('SIGTERM');
      await Promise.all([second.exited, collector.exited]);
    }
  });
});
