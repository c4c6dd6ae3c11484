/**
 * The query HTTP API (same port as OTLP): GET /api/queries, /api/queries/:name?…, /api/sessions?…,
 * /api/sessions/:id/trace, /api/reports/monthly?month=…&format=json|md|csv|html. JSON by default;
 * errors are JSON {error} with 400 for a bad parameter (saying what was wrong) and 404 for an
 * unknown template or session. Values are bound as SQL parameters, never spliced.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { QueryParamError } from '../query/query-filters.js';
import { UnknownSessionError, UnknownTemplateError, type QueryService } from '../query/query-service.js';
import { monthlyReport } from '../query/reports/monthly-report.js';
import { renderCsv, renderMarkdown } from '../query/reports/render-report-text.js';
import { QueryError, StoreUnavailableError } from '../store/store.js';

type Query = Record<string, string | undefined>;

const REPORT_TYPES = {
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
};

function fail(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof UnknownTemplateError || err instanceof UnknownSessionError) {
    return reply.code(404).send({ error: err.message });
  }
  if (err instanceof QueryParamError || err instanceof QueryError)
    return reply.code(400).send({ error: err.message });
  if (err instanceof StoreUnavailableError) return reply.code(503).send({ error: err.message });
  throw err;
}

export function registerQueryApi(app: FastifyInstance, svc: QueryService): void {
  app.get('/api/queries', async () => svc.list());

  app.get<{ Params: { name: string }; Querystring: Query }>('/api/queries/:name', async (req, reply) => {
    try {
      return await svc.run(req.params.name, req.query);
    } catch (err) {
      return fail(reply, err);
    }
  });

  app.get<{ Querystring: Query }>('/api/sessions', async (req, reply) => {
    try {
      return await svc.run('sessions', req.query);
    } catch (err) {
      return fail(reply, err);
    }
  });

  app.get<{ Params: { id: string } }>('/api/sessions/:id/trace', async (req, reply) => {
    try {
      return await svc.trace(req.params.id);
    } catch (err) {
      return fail(reply, err);
    }
  });

  app.get<{ Querystring: Query }>('/api/reports/monthly', async (req, reply) => {
    const format = req.query.format ?? 'json';
    try {
      if (!req.query.month) throw new QueryParamError('month is required, e.g. ?month=2026-11');
      if (!(format in REPORT_TYPES) && format !== 'html') {
        throw new QueryParamError(`format must be json, md, csv or html; got "${format}"`);
      }
      const report = await monthlyReport(svc, req.query.month);
      if (format === 'json') return report;
      if (format === 'md') return reply.type(REPORT_TYPES.md).send(renderMarkdown(report));
      if (format === 'csv') return reply.type(REPORT_TYPES.csv).send(renderCsv(report));
      const { renderHtml } = await import('../query/reports/render-report-html.js');
      return reply.type('text/html; charset=utf-8').send(renderHtml(report));
    } catch (err) {
      return fail(reply, err);
    }
  });
}
