/**
 * The relay, assembled: OTLP/HTTP and OTLP/gRPC receivers on loopback (the collector's own
 * receivers, with no token asked: the member is named upstream by the relay's token) → redact →
 * disk buffer (fsynced before the reply) → one forwarder per signal → the collector. The hooks' posts
 * (context, tool outcomes) take the same way on their own channel (relay-hooks.ts). One relay per
 * data directory (relay.lock); `relay.json` tells the CLI and the hooks where it listens.
 * With `watch.enabled` it also gap-fills from Claude Code's transcripts (transcript-watch.ts).
 * `close()` stops accepting, stops forwarding and keeps whatever is unsent for the next start.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { httpServerOptions } from '../ingest/otlp-http/http-server-limits.js';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { REDACTION_KEY_FILE } from '../config/data-dir.js';
import type { RelayConfig } from '../config/relay-config.js';
import { OPEN_AUTH } from '../ingest/ingest-auth.js';
import { grpcLimits, OtlpGrpcReceiver } from '../ingest/otlp-grpc/otlp-grpc-receiver.js';
import { registerOtlpHttp } from '../ingest/otlp-http/otlp-http-receiver.js';
import { CollectorMetrics } from '../ops/collector-metrics.js';
import { compileRedaction } from '../pipeline/redact/redaction-config.js';
import { redactionSettings } from '../pipeline/redact/redaction-key.js';
import { readClientConfig } from '../setup/client-config.js';
import { setupPaths } from '../setup/setup-paths.js';
import { RelayBuffer } from './relay-buffer.js';
import { RelayForwarder } from './relay-forwarder.js';
import { registerRelayHooks } from './relay-hooks.js';
import { RelayIngest } from './relay-ingest.js';
import { acquireLock, LOCK_FILE } from './relay-lock.js';
import { CHANNELS, RelayStats } from './relay-stats.js';
import { TranscriptWatch } from './transcript-watch.js';
import {
  DISCOVERY_FILE,
  STATE_FILE,
  statusOf,
  type RelayDiscovery,
  type RelayStatus,
} from './relay-status.js';

/** Another relay owns this data directory. */
export class RelayRunningError extends Error {
  override readonly name = 'RelayRunningError';
  constructor(readonly pid: number) {
    super(`a relay already runs for this data directory (pid ${pid})`);
  }
}

export interface Relay {
  httpUrl: string;
  grpcPort: number;
  status(): RelayStatus;
  /** Resolves once the buffer is empty (everything sent or dropped), or after `timeoutMs`. */
  flushed(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function startRelay(cfg: RelayConfig): Promise<Relay> {
  mkdirSync(cfg.dataDir, { recursive: true, mode: 0o700 });
  const lock = acquireLock(path.join(cfg.dataDir, LOCK_FILE));
  if (!lock.ok) throw new RelayRunningError(lock.heldBy);
  const logger = pino({ level: cfg.logLevel, base: { service: 'unsilo-relay' } });
  const upstream = cfg.upstream.replace(/\/+$/, '');
  const stats = new RelayStats(path.join(cfg.dataDir, STATE_FILE));
  const buffer = new RelayBuffer(cfg.dataDir, cfg.buffer, stats);
  const parts: { close(): Promise<void> }[] = [];
  try {
    const cut = await buffer.start();
    if (cut > 0) logger.warn({ cutBytes: cut }, 'cut a torn tail off the buffer (a crash mid-write)');
    const redaction = compileRedaction(
      redactionSettings(cfg.redaction, path.join(cfg.dataDir, REDACTION_KEY_FILE)),
    );
    const ingest = new RelayIngest(buffer, redaction, cfg.limits);
    const metrics = new CollectorMetrics();
    const app = Fastify({
      loggerInstance: logger as FastifyBaseLogger,
      logController: new LogController({ disableRequestLogging: true }),
      ...httpServerOptions(cfg.limits, 0),
    });
    const rcfg = { auth: OPEN_AUTH, retryAfterSeconds: cfg.retryAfterSeconds };
    await registerOtlpHttp(app, ingest, metrics, { ...cfg.limits, ...rcfg });
    let status = (): RelayStatus => {
      throw new Error('not started');
    };
    registerRelayHooks(app, buffer, redaction, cfg.retryAfterSeconds);
    app.get('/healthz', () => ({ status: 'ok', role: 'relay' }));
    app.get('/relay/status', () => status());
    await app.listen({ host: cfg.host, port: cfg.port });
    parts.push({ close: () => app.close() });
    const address = app.server.address();
    const httpPort = typeof address === 'object' && address ? address.port : cfg.port;
    const grpc = new OtlpGrpcReceiver(ingest, metrics, {
      ...rcfg,
      host: cfg.host,
      port: cfg.grpcPort,
      ...grpcLimits(cfg.limits),
      // Loopback only: Claude Code reaches the relay in plaintext; the upstream may be HTTPS.
      tls: null,
    });
    await grpc.start();
    parts.push(grpc);

    const target = { url: upstream, token: cfg.token ?? null, timeoutMs: cfg.forward.timeoutMs };
    const log = (msg: string): void => logger.warn(msg);
    const forwarders = CHANNELS.map(
      (s) => new RelayForwarder(buffer.signals[s], buffer, stats, target, cfg, log),
    );
    for (const f of forwarders) f.start();
    const watch = cfg.watch.enabled ? startWatch(cfg, buffer, (msg) => logger.info(msg)) : null;

    const httpUrl = `http://${cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host}:${httpPort}`;
    status = () =>
      statusOf(stats.counts, {
        pid: process.pid,
        upstream,
        httpUrl,
        health: stats.health,
        batches: buffer.batches(),
        bytes: buffer.pendingBytes(),
        oldest: buffer.oldest(),
      });
    const discovery = path.join(cfg.dataDir, DISCOVERY_FILE);
    const info: RelayDiscovery = { pid: process.pid, httpUrl, grpcPort: grpc.port, upstream };
    await writeFile(`${discovery}.tmp`, `${JSON.stringify(info)}\n`);
    await rename(`${discovery}.tmp`, discovery);
    logger.info(
      { http: httpUrl, grpcPort: grpc.port, upstream, dataDir: cfg.dataDir },
      'unsilo relay listening',
    );

    let closing: Promise<void> | null = null;
    return {
      httpUrl,
      grpcPort: grpc.port,
      status: () => status(),
      async flushed(timeoutMs = Infinity) {
        const deadline = Date.now() + timeoutMs;
        while (buffer.batches() > 0) {
          if (Date.now() > deadline) return false;
          await new Promise((r) => setTimeout(r, 20));
        }
        return true;
      },
      close: () =>
        (closing ??= (async () => {
          await Promise.all([app.close(), grpc.close()]);
          await watch?.close();
          await Promise.all(forwarders.map((f) => f.close()));
          await buffer.close();
          await stats.close();
          await rm(discovery, { force: true });
          lock.release();
          logger.info('unsilo relay stopped');
        })()),
    };
  } catch (err) {
    for (const p of parts) await p.close().catch(() => undefined);
    await buffer.close().catch(() => undefined);
    lock.release();
    throw err;
  }
}

/** The transcript watch, with the privacy switches `unsilo setup` recorded for this user. */
function startWatch(cfg: RelayConfig, buffer: RelayBuffer, log: (msg: string) => void): TranscriptWatch {
  const paths = setupPaths();
  const client = readClientConfig(paths);
  const w = new TranscriptWatch(
    { ...cfg.watch, path: cfg.watch.path ?? path.join(paths.claudeDir, 'projects') },
    buffer,
    cfg.dataDir,
    { logPrompts: client?.logPrompts === true, logToolDetails: client?.logToolDetails === true },
    log,
  );
  w.start();
  return w;
}
