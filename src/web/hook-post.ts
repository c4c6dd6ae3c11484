/**
 * What the hooks' endpoints (POST /v1/context, POST /v1/tool-outcome) share: the ingest token names
 * the member (401 otherwise), the body must match its schema (400 naming each field otherwise), and
 * every string is cleaned (NULs, invalid UTF-16) with the time clamped into the accepted range, each
 * action counted in `unsilo_input_sanitized_total{signal}` once the post is stored.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { IngestAuth } from '../ingest/ingest-auth.js';
import type { CollectorMetrics } from '../ops/collector-metrics.js';
import { cleanString } from '../pipeline/decode/text-sanitizer.js';
import { TimeClamp, timeBounds } from '../pipeline/normalize/time-bounds.js';
import type { InputLimits } from '../pipeline/sanitize/input-limits.js';
import { SanitizeTally } from '../pipeline/sanitize/sanitize-tally.js';

export interface HookPost<T> {
  member: string | null;
  body: T;
  /** Cleans a string (null stays null). */
  clean<S extends string | null>(s: S): S;
  /** The sent ISO time in µs, clamped into the accepted range. */
  micros(iso: string): number;
  /** Counts what was cleaned or clamped. */
  counted(): void;
}

/** The checked post, or null once the reply (401/400) is sent. */
export async function hookPost<S extends z.ZodType>(
  req: FastifyRequest,
  reply: FastifyReply,
  d: { auth: IngestAuth; limits: InputLimits; metrics: CollectorMetrics; signal: string; schema: S },
): Promise<HookPost<z.infer<S>> | null> {
  const who = await d.auth.check(req.headers.authorization);
  if (!who.ok) {
    await reply.code(401).send({ code: 16, message: who.message });
    return null;
  }
  const parsed = d.schema.safeParse(req.body ?? {});
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    await reply.code(400).send({ code: 3, message });
    return null;
  }
  const tally = new SanitizeTally();
  return {
    member: who.member,
    body: parsed.data,
    clean: <T extends string | null>(s: T): T => (s === null ? s : (cleanString(s, tally) as T)),
    micros: (iso) => new TimeClamp(timeBounds(Date.now(), d.limits), tally).micros(Date.parse(iso) * 1000),
    counted: () => {
      for (const [reason, n] of Object.entries(tally.counts))
        d.metrics.sanitized.inc({ signal: d.signal, reason }, n);
    },
  };
}

/** A 400 for a field that is empty once cleaned. */
export const emptyField = (reply: FastifyReply, field: string): FastifyReply =>
  reply.code(400).send({ code: 3, message: `${field}: empty` });
