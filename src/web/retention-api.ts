/**
 * Retention and export over HTTP. GET /api/retention: status (sizes, oldest and newest data, next
 * run, what a run now would do). POST /api/retention/run {dryRun?}: a run; it changes data, so it
 * needs the admin token whenever tokens are required (a failed run answers 500 with the report).
 * GET /api/export/:table?since=&until=: the table's rows as JSON lines (application/x-ndjson),
 * streamed; since/until take what the query filters take (2026-11-01, 30d, …).
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { checkAdmin, type IngestAuth } from '../ingest/ingest-auth.js';
import type { MemberRegistry } from '../members/member-registry.js';
import { parseFilters, QueryParamError } from '../query/query-filters.js';
import { RetentionRunError } from '../retention/retention-report.js';
import type { RetentionService } from '../retention/retention-service.js';
import { RETAINED_TABLES, type RetainedTable } from '../store/store-retention.js';
import type { Store } from '../store/store.js';

const RunRequest = z.object({ dryRun: z.boolean().default(false) });

const NONE = 'this collector has no retention: its store does not support it';

export interface RetentionApiDeps {
  retention: RetentionService | null;
  store: Store;
  auth: IngestAuth;
  members: MemberRegistry;
}

export function registerRetentionApi(app: FastifyInstance, deps: RetentionApiDeps): void {
  const { retention, store } = deps;

  app.get('/api/retention', async (_req, reply) =>
    retention ? retention.status() : reply.code(501).send({ error: NONE }),
  );

  app.post('/api/retention/run', async (req, reply) => {
    const allowed = checkAdmin(deps.auth, deps.members, req.headers.authorization);
    if (!allowed.ok) return reply.code(allowed.status).send({ error: allowed.message });
    if (!retention) return reply.code(501).send({ error: NONE });
    const parsed = RunRequest.safeParse(req.body ?? {});
    if (!parsed.success) return reply.code(400).send({ error: 'bad request: dryRun must be true or false' });
    try {
      return await retention.run({ dryRun: parsed.data.dryRun });
    } catch (err) {
      if (err instanceof RetentionRunError)
        return reply.code(500).send({ error: err.message, report: err.report });
      throw err;
    }
  });

  app.get<{ Params: { table: string }; Querystring: Record<string, string> }>(
    '/api/export/:table',
    async (req, reply) => {
      const table = req.params.table as RetainedTable;
      if (!RETAINED_TABLES.includes(table)) {
        return reply
          .code(404)
          .send({ error: `no table "${req.params.table}" to export; tables: ${RETAINED_TABLES.join(', ')}` });
      }
      if (!store.retention) return reply.code(501).send({ error: 'this store cannot export' });
      let range;
      try {
        range = parseFilters({ since: req.query.since, until: req.query.until });
      } catch (err) {
        if (err instanceof QueryParamError) return reply.code(400).send({ error: err.message });
        throw err;
      }
      return reply
        .type('application/x-ndjson')
        .send(Readable.from(store.retention.exportRows(table, { since: range.since, until: range.until })));
    },
  );
}
