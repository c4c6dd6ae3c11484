/**
 * Pages on the collector's HTTP port: GET /review/:queue/:position (the session page in review mode;
 * ?from= pages the events) and, through registerSessionPages, the session page itself, its lazy
 * bodies and its script. Beyond loopback, open it once with ?token=<reader token> (page-auth.ts). The
 * page reads through the analysis actions' store access; its saves go to POST
 * /api/analysis/review.verdict (then patterns.add / patterns.assign) like the CLI's.
 */
import type { FastifyInstance } from 'fastify';
import { AnalysisNotFoundError } from '../../analysis/analysis-context.js';
import { reviewPageData } from '../../analysis/review/review-page-data.js';
import type { Store } from '../../store/store.js';
import { renderReviewPage } from './review-html.js';
import { moveTokenToCookie } from './page-auth.js';
import { notFound, offset, pageContext, registerSessionPages } from './session-pages.js';

export function registerReviewPages(app: FastifyInstance, store: Store): void {
  registerSessionPages(app, store);
  app.get<{ Params: { queue: string; position: string }; Querystring: { from?: string; spans?: string } }>(
    '/review/:queue/:position',
    async (req, reply) => {
      if (moveTokenToCookie(req, reply)) return reply;
      const position = Number(req.params.position);
      try {
        if (!Number.isInteger(position) || position < 1) throw new AnalysisNotFoundError('no such item');
        const d = await reviewPageData(
          pageContext(store),
          req.params.queue,
          position,
          offset(req.query.from),
          offset(req.query.spans),
        );
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(renderReviewPage(d));
      } catch (err) {
        return notFound(reply, err);
      }
    },
  );
}
