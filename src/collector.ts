/**
 * The collector, assembled: write-ahead log → store writer → store, fed by the OTLP/HTTP and
 * OTLP/gRPC receivers, with the API and ops routes on the HTTP port, and retention on a schedule.
 * `close()` stops accepting, waits for a retention run in progress, drains the log into the store and
 * closes the database.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import type { ServeConfig } from './config/config.js';
import { ADMIN_TOKEN_FILE, DB_FILE, DISCOVERY_FILE, REDACTION_KEY_FILE, WAL_DIR } from './config/data-dir.js';
import { IngestService } from './ingest/ingest-service.js';
import { InThreadPipeline, type PipelineRunner } from './ingest/pipeline-runner.js';
import { PipelinePool } from './ingest/pipeline-pool.js';
import { grpcLimits, OtlpGrpcReceiver } from './ingest/otlp-grpc/otlp-grpc-receiver.js';
import { registerOtlpHttp, sendStatus } from './ingest/otlp-http/otlp-http-receiver.js';
import { countClientErrors, httpServerOptions } from './ingest/otlp-http/http-server-limits.js';
import type { OpenWalFile } from './wal/wal-file.js';
import { CollectorMetrics } from './ops/collector-metrics.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';
import { StoreWriter } from './wal/store-writer.js';
import { WriteAheadLog } from './wal/write-ahead-log.js';
import { registerOpsRoutes } from './web/ops-routes.js';
import { registerSqlApi } from './web/sql-api.js';
import { registerQueryApi } from './web/query-api.js';
import { registerMembersApi } from './web/members-api.js';
import { registerDoctorApi } from './web/doctor-api.js';
import { registerContextApi } from './web/context-api.js';
import { registerToolOutcomeApi } from './web/tool-outcome-api.js';
import { registerAnalysisApi } from './web/analysis-api.js';
import { registerReviewPages } from './web/pages/review-pages.js';
import { registerAnalysisPages } from './web/pages/analysis-pages.js';
import { registerOverviewPages } from './web/pages/overview-pages.js';
import { registerVendorAssets } from './web/pages/vendor-assets.js';
import { registerChartScript } from './web/pages/chart-script.js';
import { readerAuthorization } from './web/pages/page-auth.js';
import { textRedactor } from './analysis/analysis-redact.js';
import { compileAttribution } from './pipeline/enrich/enrich-attribution.js';
import { redactionSettings } from './pipeline/redact/redaction-key.js';
import { MemberRegistry } from './members/member-registry.js';
import { checkReader, IngestAuth, isLoopback } from './ingest/ingest-auth.js';
import { QueryService } from './query/query-service.js';
import { loadTlsFiles } from './config/tls-files.js';
import { RetentionService } from './retention/retention-service.js';
import { retentionHooks } from './ops/retention-hooks.js';
import { retentionSettings } from './retention/retention-settings.js';
import { registerRetentionApi } from './web/retention-api.js';

export interface Collector {
  httpUrl: string;
  httpPort: number;
  grpcPort: number;
  store: Store;
  metrics: CollectorMetrics;
  /** Scheduled and on-demand retention runs; null when the store has no retention. */
  retention: RetentionService | null;
  /** Resolves when everything acknowledged so far is in the store. */
  drained(): Promise<void>;
  close(): Promise<void>;
}

export interface CollectorDeps {
  /** Replaces the log's file access (tests inject failing disks). */
  openWalFile?: OpenWalFile;
  /** Replaces the configured store (tests inject a store that is down). */
  store?: Store;
}

export async function startCollector(cfg: ServeConfig, deps: CollectorDeps = {}): Promise<Collector> {
  const logger = pino({ level: cfg.logLevel, base: { service: 'unsilo' } });
  const tls = loadTlsFiles(cfg.tls);
  const metrics = new CollectorMetrics();
  const retentionCfg = retentionSettings(cfg);
  const store =
    deps.store ??
    (await openStore(cfg.store, {
      file: path.join(cfg.dataDir, DB_FILE),
      archiveDir: retentionCfg.archiveDir ?? undefined,
    }));
  await store.start();
  const members = new MemberRegistry(store, path.join(cfg.dataDir, ADMIN_TOKEN_FILE));
  await members.start();
  const auth = new IngestAuth(
    members,
    cfg.auth.requireToken === 'always' || (cfg.auth.requireToken === 'auto' && !isLoopback(cfg.host)),
  );

  const wal = new WriteAheadLog({
    dir: path.join(cfg.dataDir, WAL_DIR),
    ...cfg.wal,
    openFile: deps.openWalFile,
  });
  const walInfo = await wal.start();
  if (walInfo.cutBytes > 0) {
    metrics.walCutBytes.inc(walInfo.cutBytes);
    logger.warn({ cutBytes: walInfo.cutBytes }, 'cut a torn or corrupt tail off the write-ahead log');
  }
  if (walInfo.pendingBytes > 0) logger.info({ bytes: walInfo.pendingBytes }, 'replaying the write-ahead log');

  const writer = new StoreWriter(wal, store, cfg.writer, {
    onWritten: (r) => {
      for (const [signal, c] of [
        ['logs', r.events],
        ['traces', r.spans],
        ['metrics', r.metrics],
      ] as const) {
        if (c.inserted) metrics.stored.inc({ signal }, c.inserted);
        if (c.duplicates) metrics.duplicates.inc({ signal }, c.duplicates);
      }
    },
    onError: (err) => {
      metrics.storeErrors.inc();
      logger.error({ err }, 'store write failed; retrying');
    },
  });
  writer.start();
  metrics.sources.walPendingBytes = () => wal.pendingBytes();
  metrics.sources.writeLagBytes = () => writer.lagBytes();

  const pipelineConfig = {
    attribution: { ...cfg.attribution, validation: { ...cfg.validation } },
    redaction: redactionSettings(cfg.redaction, path.join(cfg.dataDir, REDACTION_KEY_FILE)),
    limits: cfg.limits,
  };
  const pipeline: PipelineRunner =
    cfg.pipeline.workers > 0
      ? new PipelinePool(cfg.pipeline.workers, pipelineConfig, (err) =>
          logger.error({ err }, 'pipeline worker failed; restarting it'),
        )
      : new InThreadPipeline(pipelineConfig);
  const ingest = new IngestService(wal, metrics, pipeline);
  const serverOptions = httpServerOptions(cfg.limits, cfg.sql.timeoutMs);
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    ...serverOptions,
    // With TLS, Fastify builds an https server from `https` alone: the header and time limits go there.
    ...(tls ? { https: { ...tls, ...serverOptions.http } } : {}),
  });
  countClientErrors(app.server, metrics);
  await registerOtlpHttp(app, ingest, metrics, {
    ...cfg.limits,
    auth,
    retryAfterSeconds: cfg.retryAfterSeconds,
  });
  // The read API (SQL, templates, sessions, reports, retention status, export) needs a reader token
  // whenever ingest needs tokens.
  const READ_PATHS = [
    '/api/sql',
    '/api/queries',
    '/api/sessions',
    '/api/reports',
    '/api/retention',
    '/api/export',
    '/api/analysis',
    '/review',
    '/',
    '/overview',
    '/sessions',
    '/patterns',
    '/changes',
    '/signals',
  ];
  app.addHook('onRequest', async (req, reply) => {
    // The route Fastify matched, not the raw URL: a percent-encoded path (/%73essions/…) reaches the
    // same handler, so only the route pattern says what is being read.
    const route = req.routeOptions.url ?? '';
    if (!READ_PATHS.some((p) => route === p || route.startsWith(`${p}/`))) return;
    const r = checkReader(auth, members, readerAuthorization(req));
    if (!r.ok) return reply.code(r.status).send({ error: r.message });
  });
  registerSqlApi(app, store, cfg.sql.maxRows, cfg.sql.timeoutMs);
  const queries = new QueryService(store);
  registerQueryApi(app, queries);
  registerMembersApi(app, members);
  const redactText = textRedactor(pipelineConfig.redaction);
  registerAnalysisApi(app, { store, members, redact: redactText });
  registerVendorAssets(app);
  registerChartScript(app);
  registerReviewPages(app, store);
  registerOverviewPages(app, queries);
  registerAnalysisPages(app, store);
  registerDoctorApi(app, store, auth, cfg.redaction);
  const retention = store.retention
    ? new RetentionService(store.retention, retentionCfg, retentionHooks(metrics, logger))
    : null;
  retention?.start();
  registerRetentionApi(app, { retention, store, auth, members });
  registerContextApi(
    app,
    store,
    auth,
    {
      ...compileAttribution(cfg.attribution),
      featurePathPattern: new RegExp(cfg.attribution.featurePathPattern),
      chapterPathPattern: new RegExp(cfg.attribution.chapterPathPattern, 'i'),
    },
    cfg.limits,
    metrics,
  );
  registerToolOutcomeApi(app, {
    store,
    auth,
    attribution: compileAttribution({ ...cfg.attribution, validation: { ...cfg.validation } }),
    redact: redactText,
    limits: cfg.limits,
    metrics,
  });
  registerOpsRoutes(app, metrics.registry, {
    ready: () =>
      writer.healthy()
        ? { ready: true, reason: '' }
        : { ready: false, reason: 'the store is failing; acknowledged data waits in the write-ahead log' },
  });
  app.setNotFoundHandler((req, reply) => {
    req.raw.resume();
    const json = !String(req.headers['content-type'] ?? '').includes('protobuf');
    return sendStatus(
      reply,
      404,
      `no such endpoint: ${req.method} ${req.url}; OTLP/HTTP paths are /v1/logs, /v1/metrics, /v1/traces`,
      json,
    );
  });
  await app.listen({ host: cfg.host, port: cfg.port });
  const address = app.server.address();
  const httpPort = typeof address === 'object' && address ? address.port : cfg.port;

  const grpc = new OtlpGrpcReceiver(ingest, metrics, {
    host: cfg.host,
    port: cfg.grpcPort,
    ...grpcLimits(cfg.limits),
    retryAfterSeconds: cfg.retryAfterSeconds,
    auth,
    tls,
  });
  await grpc.start();

  const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host === '0.0.0.0' ? '127.0.0.1' : cfg.host;
  const httpUrl = `${tls ? 'https' : 'http'}://${host}:${httpPort}`;
  const discovery = path.join(cfg.dataDir, DISCOVERY_FILE);
  // Written whole, then renamed: a reader never sees half a file.
  await writeFile(
    `${discovery}.tmp`,
    JSON.stringify({ pid: process.pid, httpUrl, grpcPort: grpc.port }) + '\n',
  );
  await rename(`${discovery}.tmp`, discovery);
  logger.info(
    { http: httpUrl, grpcPort: grpc.port, tls: tls !== null, dataDir: path.resolve(cfg.dataDir) },
    'unsilo collector listening',
  );

  let closing: Promise<void> | null = null;
  return {
    httpUrl,
    httpPort,
    grpcPort: grpc.port,
    store,
    metrics,
    retention,
    drained: () => writer.drained(),
    close: () =>
      (closing ??= (async () => {
        await Promise.all([app.close(), grpc.close()]);
        await retention?.close();
        await pipeline.close();
        await writer.close();
        await wal.close();
        await store.close();
        await rm(discovery, { force: true });
        logger.info('unsilo collector stopped');
      })()),
  };
}
