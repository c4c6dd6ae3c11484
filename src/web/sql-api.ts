/**
 * POST /api/sql {sql, params?, maxRows?} → {columns, rows, truncated}: read-only SQL against the store
 * (one SELECT/WITH/EXPLAIN statement; anything else is refused with 400 and the reason), stopped
 * after `sql.timeoutMs`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { QueryError, StoreUnavailableError, type Store } from '../store/store.js';

const SqlRequest = z.object({
  sql: z.string().min(1, 'sql is empty'),
  params: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).default([]),
  maxRows: z.number().int().positive().optional(),
});

export function registerSqlApi(app: FastifyInstance, store: Store, maxRows: number, timeoutMs: number): void {
  app.post('/api/sql', async (req, reply) => {
    const parsed = SqlRequest.safeParse(req.body);
    if (!parsed.success) {
      return reply.code(400).send({
        error: `bad request: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      });
    }
    const limit = Math.min(parsed.data.maxRows ?? maxRows, maxRows);
    try {
      const result = await store.query(parsed.data.sql, parsed.data.params, {
        readOnly: true,
        maxRows: limit + 1,
        timeoutMs,
      });
      const truncated = result.rows.length > limit;
      return {
        columns: result.columns,
        rows: truncated ? result.rows.slice(0, limit) : result.rows,
        truncated,
      };
    } catch (err) {
      if (err instanceof QueryError) return reply.code(400).send({ error: err.message });
      if (err instanceof StoreUnavailableError) return reply.code(503).send({ error: err.message });
      throw err;
    }
  });
}
