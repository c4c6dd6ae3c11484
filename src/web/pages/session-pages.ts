/**
 * GET /sessions/:id (the session page; ?from= pages the events, ?spans= the waterfall), GET
 * /sessions/:id/events/:key/body?part= (one long body of an event: an HTML fragment for htmx, plain
 * text for a browser without script) and /assets/session.js (the keys). Beyond loopback they need a
 * reader token like every page (the collector's read hook; page-auth.ts moves ?token= into a cookie).
 * An unknown session or event is a 404 with a line of text.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AnalysisNotFoundError, type AnalysisContext } from '../../analysis/analysis-context.js';
import { eventBody } from '../../analysis/session/session-bodies.js';
import { sessionPageData } from '../../analysis/session/session-page-data.js';
import type { Store } from '../../store/store.js';
import { esc } from './page-html.js';
import { moveTokenToCookie } from './page-auth.js';
import { renderSessionPage } from './session-html.js';
import { SESSION_SCRIPT } from './session-script.js';

type Query = Record<string, string | undefined>;

export const pageContext = (store: Store): AnalysisContext => ({
  store,
  author: 'page',
  now: () => new Date(),
  redact: (t) => t,
});

export const notFound = (reply: FastifyReply, err: unknown): FastifyReply => {
  if (err instanceof AnalysisNotFoundError)
    return reply.code(404).type('text/plain; charset=utf-8').send(err.message);
  throw err;
};

/** A whole number ≥ 0 from a query value, else 0. */
export const offset = (v: string | undefined): number => Math.max(0, Math.floor(Number(v ?? 0)) || 0);

export function registerSessionPages(app: FastifyInstance, store: Store): void {
  app.get('/assets/session.js', async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(SESSION_SCRIPT),
  );
  app.get<{ Params: { id: string }; Querystring: Query }>('/sessions/:id', async (req, reply) => {
    if (moveTokenToCookie(req, reply)) return reply;
    try {
      const d = await sessionPageData(
        pageContext(store),
        req.params.id,
        offset(req.query.from),
        offset(req.query.spans),
      );
      const html = renderSessionPage(d, {
        base: `/sessions/${encodeURIComponent(d.session_id)}`,
        title: `Session ${d.session_id}`,
      });
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
    } catch (err) {
      return notFound(reply, err);
    }
  });
  app.get<{ Params: { id: string; key: string }; Querystring: Query }>(
    '/sessions/:id/events/:key/body',
    async (req, reply) => {
      if (moveTokenToCookie(req, reply)) return reply;
      try {
        const b = await eventBody(pageContext(store), req.params.id, req.params.key, req.query.part ?? '');
        if (req.headers['hx-request'] === 'true')
          return reply
            .type('text/html; charset=utf-8')
            .send(`<pre class="body-text" data-length="${b.text.length}">${esc(b.text)}</pre>`);
        return reply
          .type('text/plain; charset=utf-8')
          .header('x-content-type-options', 'nosniff')
          .send(b.text);
      } catch (err) {
        return notFound(reply, err);
      }
    },
  );
}
