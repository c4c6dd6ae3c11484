/**
 * GET / and /overview (spend and tokens over a range) and GET /sessions (the session list with its
 * signal flags). Both read through the query templates (QueryService) and the signals service, so
 * their figures are the CLI's. `since` defaults to 30 days back; a relative span is resolved once per
 * request so the templates and the signals see the same range. Beyond loopback they need a reader
 * token like /review (the collector's read hook; page-auth.ts moves ?token= into a cookie).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sessionFlags } from '../../analysis/signals/session-signals.js';
import { SIGNALS } from '../../analysis/signals/signal-catalog.js';
import { parseTime, QueryParamError } from '../../query/query-filters.js';
import type { QueryService } from '../../query/query-service.js';
import type { QueryResult } from '../../store/store.js';
import { moveTokenToCookie } from './page-auth.js';
import { OVERVIEW_TEMPLATES, renderOverviewPage, type OverviewTemplate } from './overview-html.js';
import { PAGE_SIZE, renderSessionsPage, type SessionsFilter } from './sessions-html.js';

type Query = Record<string, string | undefined>;

const DEFAULT_SINCE = '30d';

/** since and until as absolute times (ISO), so every query of one page reads one range. */
function range(q: Query, now: Date): { since: string; until: string; sinceAt: Date; untilAt?: Date } {
  const sinceAt = parseTime('since', q.since || DEFAULT_SINCE, now);
  const untilAt = q.until ? parseTime('until', q.until, now, true) : undefined;
  return { since: q.since || DEFAULT_SINCE, until: q.until ?? '', sinceAt, untilAt };
}

const badRequest = (reply: FastifyReply, err: unknown): FastifyReply => {
  if (err instanceof QueryParamError)
    return reply.code(400).type('text/plain; charset=utf-8').send(err.message);
  throw err;
};

const html = (reply: FastifyReply, body: string): FastifyReply =>
  reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

export function registerOverviewPages(app: FastifyInstance, svc: QueryService): void {
  const overview = async (req: { query: Query }, reply: FastifyReply): Promise<FastifyReply> => {
    try {
      const r = range(req.query, new Date());
      const params = { since: r.sinceAt.toISOString(), until: r.untilAt?.toISOString() };
      const results = {} as Record<OverviewTemplate, QueryResult>;
      for (const [name] of OVERVIEW_TEMPLATES) results[name] = await svc.run(name, params);
      return html(reply, renderOverviewPage({ since: r.since, until: r.until, results }));
    } catch (err) {
      return badRequest(reply, err);
    }
  };
  for (const path of ['/', '/overview'])
    app.get<{ Querystring: Query }>(path, async (req, reply) =>
      moveTokenToCookie(req, reply) ? reply : overview(req, reply),
    );

  app.get<{ Querystring: Query }>('/sessions', async (req, reply) => {
    if (moveTokenToCookie(req, reply)) return reply;
    const q = req.query;
    try {
      const r = range(q, new Date());
      const signal = q.signal ?? '';
      if (signal && !SIGNALS.some((s) => s.name === signal))
        throw new QueryParamError(`no signal "${signal}"; known: ${SIGNALS.map((s) => s.name).join(', ')}`);
      const page = Number(q.page ?? 1);
      if (!Number.isInteger(page) || page < 1) throw new QueryParamError(`page must be a whole number ≥ 1`);
      const result = await svc.run('sessions', {
        since: r.sinceAt.toISOString(),
        until: r.untilAt?.toISOString(),
        member: q.member,
        chapter: q.chapter,
      });
      const id = result.columns.indexOf('session_id');
      // Without a signal filter only the page's sessions need their flags (read from the stored
      // signals); with one, every session of the range is needed to filter.
      const shown = signal
        ? undefined
        : result.rows.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((row) => String(row[id]));
      const flags = await sessionFlags(svc.store, { since: r.sinceAt, until: r.untilAt }, shown);
      const rows = signal
        ? result.rows.filter((row) => flags.get(String(row[id]))?.includes(signal))
        : result.rows;
      const filter: SessionsFilter = {
        since: r.since,
        until: r.until,
        member: q.member ?? '',
        chapter: q.chapter ?? '',
        signal,
      };
      return html(
        reply,
        renderSessionsPage({
          filter,
          signals: SIGNALS.map((s) => s.name),
          result: { ...result, rows },
          flags,
          page,
        }),
      );
    } catch (err) {
      return badRequest(reply, err);
    }
  });
}
