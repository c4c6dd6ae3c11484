/**
 * OTLP/gRPC receiver: LogsService, MetricsService and TraceService Export on one port (h2c, or TLS
 * when the collector has a certificate).
 * Messages are read as raw bytes and decoded by the same pipeline as HTTP; grpc-js enforces the size
 * limit after decompression. Errors map to INVALID_ARGUMENT, RESOURCE_EXHAUSTED (with a RetryInfo
 * detail, so OTLP clients retry, when the log is full; without one past the record limit) and
 * UNAVAILABLE. Slow or idle clients: a connection with no call for `idleTimeoutMs` is closed, and every
 * connection is recycled after its max age (GOAWAY, then closed after the grace), so no call can hold
 * one forever. Metadata size is Node's HTTP/2 default (grpc-js offers no option for it).
 */
import * as grpc from '@grpc/grpc-js';
import type { Signal } from '../../model/otlp.js';
import type { CollectorMetrics } from '../../ops/collector-metrics.js';
import { DecodeError, TooManyRecordsError } from '../../pipeline/decode/decode-otlp.js';
import { grpcPath } from '../../pipeline/decode/otlp-proto.js';
import { WalFullError, WalRecordTooLargeError, WalUnavailableError } from '../../wal/write-ahead-log.js';
import type { TlsFiles } from '../../config/tls-files.js';
import type { Authenticator } from '../ingest-auth.js';
import type { Ingest } from '../ingest-service.js';
import { exportResponse, GrpcCode, statusBody } from '../otlp-status.js';

class Unauthenticated extends Error {}

export interface OtlpGrpcConfig {
  auth: Authenticator;
  host: string;
  port: number;
  /** Largest message after decompression, in bytes. */
  maxMessageBytes: number;
  /** A connection with no call for this long is closed. */
  idleTimeoutMs: number;
  /** A connection is asked to reconnect (GOAWAY) after this long… */
  maxConnectionAgeMs: number;
  /** …and closed this much later, calls still in flight or not. */
  maxConnectionAgeGraceMs: number;
  retryAfterSeconds: number;
  /** Serve gRPC over TLS with this certificate and key; h2c (plaintext) when null. */
  tls: TlsFiles | null;
}

/** The receiver's message and connection limits, from the `limits.*` config. */
export const grpcLimits = (l: {
  maxDecompressedBytes: number;
  idleTimeoutMs: number;
  grpcMaxConnectionAgeMs: number;
  requestTimeoutMs: number;
}): Pick<
  OtlpGrpcConfig,
  'maxMessageBytes' | 'idleTimeoutMs' | 'maxConnectionAgeMs' | 'maxConnectionAgeGraceMs'
> => ({
  maxMessageBytes: l.maxDecompressedBytes,
  idleTimeoutMs: l.idleTimeoutMs,
  maxConnectionAgeMs: l.grpcMaxConnectionAgeMs,
  maxConnectionAgeGraceMs: l.requestTimeoutMs,
});

const SIGNALS: Signal[] = ['logs', 'metrics', 'traces'];
const CODE_NAMES = Object.fromEntries(Object.entries(grpc.status).map(([k, v]) => [v, k]));

const identity = (b: Buffer): Buffer => b;

export class OtlpGrpcReceiver {
  private server: grpc.Server | null = null;
  private boundPort = 0;

  constructor(
    private readonly ingest: Ingest,
    private readonly metrics: CollectorMetrics,
    private readonly cfg: OtlpGrpcConfig,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    const server = new grpc.Server({
      'grpc.max_receive_message_length': this.cfg.maxMessageBytes,
      'grpc.max_connection_idle_ms': this.cfg.idleTimeoutMs,
      'grpc.max_connection_age_ms': this.cfg.maxConnectionAgeMs,
      'grpc.max_connection_age_grace_ms': this.cfg.maxConnectionAgeGraceMs,
    });
    for (const signal of SIGNALS) {
      const definition: grpc.ServiceDefinition = {
        Export: {
          path: grpcPath(signal),
          requestStream: false,
          responseStream: false,
          requestSerialize: identity,
          requestDeserialize: identity,
          responseSerialize: identity,
          responseDeserialize: identity,
        },
      };
      server.addService(definition, { Export: this.handler(signal) });
    }
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(
        `${this.cfg.host}:${this.cfg.port}`,
        this.cfg.tls
          ? grpc.ServerCredentials.createSsl(
              null,
              [{ cert_chain: this.cfg.tls.cert, private_key: this.cfg.tls.key }],
              false,
            )
          : grpc.ServerCredentials.createInsecure(),
        (err, port) => (err ? reject(err) : resolve(port)),
      ),
    );
    this.server = server;
  }

  private handler(signal: Signal): grpc.handleUnaryCall<Buffer, Buffer> {
    return (call, callback) => {
      const started = process.hrtime.bigint();
      const finish = (code: number): void => {
        this.metrics.requests.inc({ protocol: 'grpc', signal, status: CODE_NAMES[code] ?? String(code) });
        this.metrics.requestSeconds.observe(
          { protocol: 'grpc', signal },
          Number(process.hrtime.bigint() - started) / 1e9,
        );
      };
      const fail = (code: number, message: string, retryAfter?: number): void => {
        const metadata = new grpc.Metadata();
        if (retryAfter !== undefined) {
          metadata.set('grpc-status-details-bin', statusBody(code, message, false, retryAfter) as Buffer);
        }
        finish(code);
        callback({ code, details: message, metadata });
      };
      this.cfg.auth
        .check(call.metadata.get('authorization').map(String))
        .then((auth) => {
          if (!auth.ok) throw new Unauthenticated(auth.message);
          return this.ingest.ingest(signal, 'protobuf', call.request, { tokenMember: auth.member });
        })
        .then(
          (result) => {
            finish(grpc.status.OK);
            callback(null, exportResponse(signal, false, result.rejected, result.rejectReason) as Buffer);
          },
          (err: unknown) => {
            if (err instanceof Unauthenticated) fail(GrpcCode.UNAUTHENTICATED, err.message);
            else if (err instanceof DecodeError) fail(GrpcCode.INVALID_ARGUMENT, err.message);
            else if (err instanceof TooManyRecordsError) {
              this.metrics.refuse('grpc', 'too_many_records');
              fail(GrpcCode.RESOURCE_EXHAUSTED, err.message);
            } else if (err instanceof WalRecordTooLargeError) fail(GrpcCode.RESOURCE_EXHAUSTED, err.message);
            else if (err instanceof WalFullError)
              fail(GrpcCode.RESOURCE_EXHAUSTED, err.message, this.cfg.retryAfterSeconds);
            else if (err instanceof WalUnavailableError)
              fail(GrpcCode.UNAVAILABLE, err.message, this.cfg.retryAfterSeconds);
            else fail(GrpcCode.INTERNAL, 'internal error');
          },
        );
    };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 5000);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
