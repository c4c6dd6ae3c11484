/**
 * What the relay does with an export request (the receivers' `Ingest`): decode, redact with the
 * configured rules (so secrets never leave the machine), encode as OTLP protobuf again and append
 * to the disk buffer; the promise resolves once the batch is on disk, and only then does the
 * receiver answer Claude Code. A record the decoder refuses is reported as partial success, as the
 * collector would; nothing is normalized here (that stays the collector's job).
 */
import type { InputLimits } from '../pipeline/sanitize/input-limits.js';
import { SanitizeTally } from '../pipeline/sanitize/sanitize-tally.js';
import type { Signal } from '../model/otlp.js';
import { decodeOtlp, type Encoding } from '../pipeline/decode/decode-otlp.js';
import { encodeOtlp, recordCount } from '../pipeline/encode/encode-otlp.js';
import { redactBatch } from '../pipeline/redact/redact-batch.js';
import type { Redaction } from '../pipeline/redact/redaction-config.js';
import type { Ingest, IngestResult } from '../ingest/ingest-service.js';
import type { RelayBuffer } from './relay-buffer.js';

export class RelayIngest implements Ingest {
  constructor(
    private readonly buffer: RelayBuffer,
    private readonly redaction: Redaction,
    private readonly limits: InputLimits,
  ) {}

  async ingest(signal: Signal, encoding: Encoding, body: Buffer): Promise<IngestResult> {
    // The collector applies its own limits again; here they keep a hostile local client bounded.
    const decoded = decodeOtlp(signal, encoding, body, { limits: this.limits, tally: new SanitizeTally() });
    const batch = redactBatch(decoded.batch, this.redaction, null);
    const accepted = recordCount(batch);
    if (accepted > 0) await this.buffer.append(signal, encodeOtlp(batch), accepted);
    return { accepted, rejected: decoded.rejected, rejectReason: decoded.rejectReason };
  }
}
