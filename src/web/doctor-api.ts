/**
 * GET /api/doctor/:id → {stored, member}: whether `unsilo doctor`'s round-trip record with this id has
 * reached the store, and under which member. Takes the same token as ingest (when tokens are
 * required), so a member can check their own path end to end.
 */
import type { FastifyInstance } from 'fastify';
import type { IngestAuth } from '../ingest/ingest-auth.js';
import { DOCTOR_EVENT } from '../query/query-template.js';
import type { Store } from '../store/store.js';

const ID = /^[\w-]{8,64}$/;

export function registerDoctorApi(app: FastifyInstance, store: Store, auth: IngestAuth): void {
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
