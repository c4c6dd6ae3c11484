/**
 * GET /api/doctor/:id → {stored, member}: whether `unsilo doctor`'s round-trip record with this id has
 * reached the store, and under which member. GET /api/doctor/redaction → the redaction canary's report
 * with the collector's configured rules (kinds and contexts only, never a secret). Both take the same
 * token as ingest (when tokens are required), so a member can check their own path end to end.
 */
import type { FastifyInstance } from 'fastify';
import type { IngestAuth } from '../ingest/ingest-auth.js';
import { DOCTOR_EVENT } from '../query/query-template.js';
import type { Store } from '../store/store.js';
import type { RedactionConfig } from '../pipeline/redact/redaction-config.js';
import { runCanary } from '../pipeline/redact/run-canary.js';

const ID = /^[\w-]{8,64}$/;

export function registerDoctorApi(
  app: FastifyInstance,
  store: Store,
  auth: IngestAuth,
  redaction: RedactionConfig,
): void {
  app.get('/api/doctor/redaction', async (req, reply) => {
    const who = await auth.check(req.headers.authorization);
    if (!who.ok) return reply.code(401).send({ error: who.message });
    return runCanary({ redaction });
  });

  app.get<{ Params: { id: string } }>('/api/doctor/:id', async (req, reply) => {
    const who = await auth.check(req.headers.authorization);
    if (!who.ok) return reply.code(401).send({ error: who.message });
    if (!ID.test(req.params.id))
      return reply.code(400).send({ error: 'the doctor id must be 8–64 letters, digits, - or _' });
    const d = store.dialect;
    const r = await store.query(
      `SELECT member FROM events WHERE event_name = '${DOCTOR_EVENT}' AND ${d.jsonString('attributes', 'unsilo.doctor.id')} = ${d.param(1, req.params.id)} LIMIT 1`,
      [req.params.id],
    );
    const row = r.rows[0];
    return row ? { stored: true, member: row[0] } : { stored: false };
  });
}
