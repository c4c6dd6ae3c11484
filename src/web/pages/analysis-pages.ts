/**
 * GET /patterns (the failure modes as a board by status, counted in ?queue=), GET /patterns/:slug
 * (one pattern: notes, evidence, history, weekly detector rates), GET /review (the queues, reviewers
 * and reservations), GET /signals (each signal's weekly rate; ?since=), GET /changes and
 * GET /changes/:id (the change, its measurement and its weekly rates, computed now; ?stratify= adds
 * the strata). They read through the analysis actions the CLI and POST /api/analysis run, so their
 * figures are `patterns count|detail`'s, `review queues`', `signals weekly`', `changes measure`'s and
 * `changes weekly`'s JSON; nothing here writes (the pattern page runs `patterns watch` as a dry run).
 * Beyond loopback they need a reader token like /review (the collector's read hook; page-auth.ts
 * moves ?token= into a cookie).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { runAction } from '../../analysis/analysis-actions.js';
import {
  AnalysisError,
  AnalysisNotFoundError,
  type AnalysisContext,
} from '../../analysis/analysis-context.js';
import { computeMeasurement } from '../../analysis/changes/change-measure.js';
import { weeklyRates } from '../../analysis/changes/weekly-rates.js';
import { signalId } from '../../analysis/signals/signal-catalog.js';
import { changeMeasurements, getChange, loadChanges } from '../../analysis/changes/change-store.js';
import { StatsInputError } from '../../analysis/stats/proportion-interval.js';
import { QueryParamError } from '../../query/query-filters.js';
import type { Store } from '../../store/store.js';
import { renderChangePage, renderChangesList } from './changes-html.js';
import { moveTokenToCookie } from './page-auth.js';
import { renderPatternPage, type PatternDetail } from './pattern-page-html.js';
import { renderPatternsBoard, type PatternCount, type PatternRow } from './patterns-html.js';
import { renderQueuesPage, type QueueStatus } from './queues-html.js';
import { renderSignalsPage, type SignalWeekly } from './signals-html.js';

type Query = Record<string, string | undefined>;

const html = (reply: FastifyReply, body: string): FastifyReply =>
  reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

const failed = (reply: FastifyReply, err: unknown): FastifyReply => {
  if (err instanceof AnalysisNotFoundError)
    return reply.code(404).type('text/plain; charset=utf-8').send(err.message);
  if (err instanceof AnalysisError || err instanceof StatsInputError || err instanceof QueryParamError)
    return reply.code(400).type('text/plain; charset=utf-8').send(err.message);
  throw err;
};

export function registerAnalysisPages(app: FastifyInstance, store: Store): void {
  const ctx = (): AnalysisContext => ({ store, author: 'page', now: () => new Date(), redact: (t) => t });

  app.get<{ Querystring: Query }>('/patterns', async (req, reply) => {
    if (moveTokenToCookie(req, reply)) return reply;
    const queue = req.query.queue ?? '';
    try {
      const c = ctx();
      const patterns = (await runAction(c, 'patterns.list', {})) as PatternRow[];
      const counts = queue
        ? new Map(
            ((await runAction(c, 'patterns.count', { queue })) as PatternCount[]).map((r) => [r.pattern, r]),
          )
        : null;
      return html(reply, renderPatternsBoard({ queue, patterns, counts, changes: await loadChanges(c) }));
    } catch (err) {
      return failed(reply, err);
    }
  });

  app.get<{ Params: { slug: string }; Querystring: Query }>('/patterns/:slug', async (req, reply) => {
    if (moveTokenToCookie(req, reply)) return reply;
    try {
      const args = { pattern: req.params.slug, since: req.query.since || undefined };
      return html(
        reply,
        renderPatternPage((await runAction(ctx(), 'patterns.detail', args)) as PatternDetail),
      );
    } catch (err) {
      return failed(reply, err);
    }
  });

  app.get('/review', async (req, reply) => {
    if (moveTokenToCookie(req, reply)) return reply;
    return html(reply, renderQueuesPage((await runAction(ctx(), 'review.queues', {})) as QueueStatus[]));
  });

  app.get<{ Querystring: Query }>('/signals', async (req, reply) => {
    if (moveTokenToCookie(req, reply)) return reply;
    const since = req.query.since || '12w';
    try {
      const signals = (await runAction(ctx(), 'signals.weekly', { since })) as SignalWeekly[];
      return html(reply, renderSignalsPage(since, signals));
    } catch (err) {
      return failed(reply, err);
    }
  });

  app.get<{ Querystring: Query }>('/changes', async (req, reply) => {
    if (moveTokenToCookie(req, reply)) return reply;
    return html(reply, renderChangesList(await loadChanges(ctx())));
  });

  app.get<{ Params: { id: string }; Querystring: Query }>('/changes/:id', async (req, reply) => {
    if (moveTokenToCookie(req, reply)) return reply;
    const stratify = (req.query.stratify ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    try {
      const c = ctx();
      const change = await getChange(c, req.params.id);
      const { snapshot, sessions, signal } = await computeMeasurement(c, { id: change.id, stratify });
      // `changes weekly`'s figures, from the sessions the measurement read (one read, not two).
      const weekly = weeklyRates(change, sessions, signal.name, signalId(signal));
      const stored = await changeMeasurements(c, change.id);
      return html(reply, renderChangePage({ change, measurement: snapshot, weekly, stored, stratify }));
    } catch (err) {
      return failed(reply, err);
    }
  });
}
