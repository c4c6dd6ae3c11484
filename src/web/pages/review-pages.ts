/**
 * Pages on the collector's HTTP port: GET /review/:queue/:position (the session page in review mode)
 * and its script, /assets/review.js. Beyond loopback, open it once with ?token=<reader token> (page-auth.ts). The page reads through the analysis actions' store access; its
 * saves go to POST /api/analysis/review.verdict like the CLI's. /review needs a reader token beyond
 * loopback (the collector's read hook).
 */
import type { FastifyInstance } from 'fastify';
import { AnalysisNotFoundError } from '../../analysis/analysis-context.js';
import { reviewPageData } from '../../analysis/review/review-page-data.js';
import type { Store } from '../../store/store.js';
import { renderReviewPage } from './review-html.js';
import { REVIEW_SCRIPT } from './review-script.js';
import { moveTokenToCookie } from './page-auth.js';

export function registerReviewPages(app: FastifyInstance, store: Store): void {
  app.get('/assets/review.js', async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(REVIEW_SCRIPT),
  );
  app.get<{ Params: { queue: string; position: string }; Querystring: { from?: string } }>(
    '/review/:queue/:position',
    async (req, reply) => {
      if (moveTokenToCookie(req, reply)) return reply;
      const position = Number(req.params.position);
      const ctx = { store, author: 'page', now: () => new Date(), redact: (t: string) => t };
      try {
        if (!Number.isInteger(position) || position < 1) throw new AnalysisNotFoundError('no such item');
        const html = renderReviewPage(
          await reviewPageData(ctx, req.params.queue, position, Number(req.query.from ?? 0) || 0),
        );
        return reply.type('text/html; charset=utf-8').send(html);
      } catch (err) {
        if (err instanceof AnalysisNotFoundError)
          return reply.code(404).type('text/plain; charset=utf-8').send(err.message);
        throw err;
      }
    },
  );
}
