/**
 * The HTTP server's own limits (`limits.*`), as Fastify and Node options: header size (431 past it),
 * the time a whole request may take to arrive (408), and how long a connection may sit idle. Slow
 * clients cannot hold a connection forever: Node checks request times every
 * `connectionsCheckingInterval` (at most a second here, its default is 30 s).
 *
 * A socket is never closed for inactivity while a `POST /api/sql` may still be running: its idle
 * timeout is at least `sql.timeoutMs` plus a margin.
 */
import type { Server } from 'node:http';
import type { FastifyHttpOptions } from 'fastify';
import type { CollectorMetrics } from '../../ops/collector-metrics.js';

export interface HttpServerLimits {
  maxHeaderBytes: number;
  idleTimeoutMs: number;
  requestTimeoutMs: number;
}

const SQL_MARGIN_MS = 5_000;

export function httpServerOptions(
  limits: HttpServerLimits,
  sqlTimeoutMs: number,
): Pick<FastifyHttpOptions<Server>, 'connectionTimeout' | 'keepAliveTimeout' | 'requestTimeout' | 'http'> {
  return {
    connectionTimeout: Math.max(limits.idleTimeoutMs, sqlTimeoutMs + SQL_MARGIN_MS),
    keepAliveTimeout: limits.idleTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    http: {
      maxHeaderSize: limits.maxHeaderBytes,
      // Node requires headersTimeout ≤ requestTimeout; the headers are part of the request.
      headersTimeout: limits.requestTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, limits.requestTimeoutMs),
    },
  };
}

/** Counts the requests Node refuses before any route sees them (Fastify still answers them). */
export function countClientErrors(server: Server, metrics: CollectorMetrics): void {
  server.on('clientError', (err: NodeJS.ErrnoException) => {
    if (err.code === 'HPE_HEADER_OVERFLOW') metrics.refuse('http', 'header_too_large');
    else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') metrics.refuse('http', 'request_timeout');
  });
}
