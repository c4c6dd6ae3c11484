/**
 * OTLP/HTTP receiver: POST /v1/logs, /v1/metrics, /v1/traces with application/x-protobuf or
 * application/json bodies (gzip or deflate too). Replies per the OTLP spec: 200 with the
 * Export*ServiceResponse (partial_success when records were rejected), 400 undecodable, 413 too large
 * (body bytes, or more records than `limits.maxRecordsPerRequest`),
 * 415 unknown content type, 429/503 with Retry-After when the log cannot take the batch, and a
 * google.rpc.Status body in the request's encoding on every error.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import type { Signal } from '../../model/otlp.js';
import type { CollectorMetrics } from '../../ops/collector-metrics.js';
import { DecodeError, TooManyRecordsError, type Encoding } from '../../pipeline/decode/decode-otlp.js';
import { WalFullError, WalRecordTooLargeError, WalUnavailableError } from '../../wal/write-ahead-log.js';
import type { Authenticator } from '../ingest-auth.js';
import type { Ingest } from '../ingest-service.js';
import { exportResponse, grpcCodeForHttp, statusBody } from '../otlp-status.js';
import { HttpError, readBody, type BodyLimits } from './read-body.js';

export interface OtlpHttpConfig extends BodyLimits {
  auth: Authenticator;
  /** Seconds a client is told to wait (Retry-After) when the log is full or the disk is failing. */
  retryAfterSeconds: number;
}

const ROUTES: Record<string, Signal> = {
  '/v1/logs': 'logs',
  '/v1/metrics': 'metrics',
  '/v1/traces': 'traces',
};

function encodingOf(contentType: string | undefined): Encoding | null {
  const base = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (base === 'application/x-protobuf' || base === 'application/protobuf') return 'protobuf';
  if (base === 'application/json') return 'json';
  return null;
}

export function sendStatus(
  reply: FastifyReply,
  status: number,
  message: string,
  json: boolean,
  retryAfter?: number,
): FastifyReply {
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  return reply
    .code(status)
    .type(json ? 'application/json' : 'application/x-protobuf')
    .send(statusBody(grpcCodeForHttp(status), message, json, retryAfter));
}

export async function registerOtlpHttp(
  app: FastifyInstance,
  ingest: Ingest,
  metrics: CollectorMetrics,
  cfg: OtlpHttpConfig,
): Promise<void> {
  await app.register(async (otlp) => {
    // Bodies are read by readBody (limits on compressed and decompressed size), not by Fastify.
    otlp.removeAllContentTypeParsers();
    otlp.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    // Whatever Fastify itself refuses (a malformed Content-Type, say) still gets an OTLP Status body.
    otlp.setErrorHandler((err: FastifyError, req, reply) => {
      req.raw.resume();
      const status =
        err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
      if (status >= 500) req.log.error({ err }, 'OTLP request failed');
      const json = encodingOf(req.headers['content-type']) !== 'protobuf';
      return sendStatus(reply, status, status < 500 ? err.message : 'internal error', json);
    });

    for (const [url, signal] of Object.entries(ROUTES)) {
      otlp.post(url, async (req: FastifyRequest, reply: FastifyReply) => {
        const started = process.hrtime.bigint();
        const encoding = encodingOf(req.headers['content-type']);
        const json = encoding !== 'protobuf';
        const done = (r: FastifyReply): FastifyReply => {
          metrics.requests.inc({ protocol: 'http', signal, status: String(r.statusCode) });
          metrics.requestSeconds.observe(
            { protocol: 'http', signal },
            Number(process.hrtime.bigint() - started) / 1e9,
          );
          return r;
        };
        if (encoding === null) {
          (req.body as Readable | undefined)?.resume();
          return done(
            sendStatus(
              reply,
              415,
              `unsupported Content-Type "${req.headers['content-type'] ?? ''}"; send application/x-protobuf or application/json`,
              true,
            ),
          );
        }
        const auth = await cfg.auth.check(req.headers.authorization);
        if (!auth.ok) {
          (req.body as Readable | undefined)?.resume();
          return done(sendStatus(reply, 401, auth.message, json));
        }
        try {
          const body = await readBody((req.body as Readable | undefined) ?? req.raw, req.headers, cfg);
          const result = await ingest.ingest(signal, encoding, body, { tokenMember: auth.member });
          return done(
            reply
              .code(200)
              .type(json ? 'application/json' : 'application/x-protobuf')
              .send(exportResponse(signal, json, result.rejected, result.rejectReason)),
          );
        } catch (err) {
          if (err instanceof HttpError) {
            if (err.statusCode === 413) metrics.refuse('http', 'body_too_large');
            return done(sendStatus(reply, err.statusCode, err.message, json));
          }
          if (err instanceof DecodeError) return done(sendStatus(reply, 400, err.message, json));
          if (err instanceof TooManyRecordsError) {
            metrics.refuse('http', 'too_many_records');
            return done(sendStatus(reply, 413, err.message, json));
          }
          if (err instanceof WalRecordTooLargeError) return done(sendStatus(reply, 413, err.message, json));
          if (err instanceof WalFullError)
            return done(sendStatus(reply, 429, err.message, json, cfg.retryAfterSeconds));
          if (err instanceof WalUnavailableError)
            return done(sendStatus(reply, 503, err.message, json, cfg.retryAfterSeconds));
          req.log.error({ err }, 'ingest failed');
          return done(sendStatus(reply, 500, 'internal error', json));
        }
      });
      otlp.route({
        method: ['GET', 'PUT', 'DELETE', 'PATCH'],
        url,
        handler: (req, reply) => {
          req.raw.resume();
          reply.header('allow', 'POST');
          return sendStatus(
            reply,
            405,
            `${req.method} is not allowed on ${url}; OTLP exports are POSTed`,
            true,
          );
        },
      });
    }
  });
}
