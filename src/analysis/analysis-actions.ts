/**
 * Every error-analysis action by name, with its arguments' schema: the HTTP API (POST
 * /api/analysis/:action) and the CLI (when it opens the store itself) both run these, so a page
 * action and its command give the same JSON. `write` actions append rows (reviewer, coordinator or
 * admin beyond loopback, like reading).
 */
import { z } from 'zod';
import { QueryParamError, parseTime } from '../query/query-filters.js';
import { AnalysisError, AnalysisNotFoundError, type AnalysisContext } from './analysis-context.js';
import { addChange, changeMeasurements, editChange, getChange, loadChanges } from './changes/change-store.js';
import { measureChange } from './changes/change-measure.js';
import { computeWeeklyRates } from './changes/weekly-rates.js';
import { countPatterns } from './patterns/pattern-counts.js';
import { errorAnalysisReport } from './report/error-analysis-report.js';
import * as patterns from './patterns/pattern-actions.js';
import { confirmProposals, DRAFT_SCHEMA, importDraft, rejectProposals } from './patterns/pattern-import.js';
import { patternDetail } from './patterns/pattern-detail.js';
import { setDetector, watchPattern } from './patterns/pattern-watch.js';
import { recordVerdict, sampleQueue, showItem } from './review/review-actions.js';
import { queueStatus } from './review/review-status.js';
import { exportNotes } from './review/review-export.js';
import { nextItem, releaseItem } from './review/review-next.js';
import { queueNames } from './review/review-store.js';
import { signalsWeekly } from './signals/signal-weeks.js';
import { findSessions } from './signals/find-sessions.js';
import { UnknownSignalError } from './signals/signal-catalog.js';
import { listSignals, testSignal, UnknownSessionSignalError } from './signals/signal-service.js';
import { StatsInputError } from './stats/proportion-interval.js';

interface Action<S extends z.ZodType, R = unknown> {
  write: boolean;
  args: S;
  run(ctx: AnalysisContext, args: z.infer<S>): Promise<R>;
}

const action = <S extends z.ZodType, R>(a: Action<S, R>): Action<S, R> => a;
const text = z.string().min(1);
const window = { since: text.optional(), until: text.optional() };
const scopeOf = (ctx: AnalysisContext, a: { since?: string; until?: string }) => ({
  since: a.since ? parseTime('since', a.since, ctx.now()) : undefined,
  until: a.until ? parseTime('until', a.until, ctx.now(), true) : undefined,
});

export const ACTIONS = {
  'signals.list': action({
    write: false,
    args: z.object(window),
    run: (ctx, a) => listSignals(ctx.store, scopeOf(ctx, a)),
  }),
  'signals.test': action({
    write: false,
    args: z.object({ signal: text, session: text, ...window }),
    run: (ctx, a) => testSignal(ctx.store, a.signal, a.session, scopeOf(ctx, a)),
  }),
  'signals.sessions': action({
    write: false,
    args: z.object({
      where: z.array(text).default([]),
      member: text.optional(),
      chapter: text.optional(),
      sort: text.optional(),
      limit: z.number().int().positive().max(100_000).optional(),
      ...window,
    }),
    run: (ctx, a) => findSessions(ctx.store, scopeOf(ctx, a), a),
  }),
  'signals.weekly': action({
    write: false,
    args: z.object({ since: text.optional() }),
    run: (ctx, a) => signalsWeekly(ctx.store, parseTime('since', a.since ?? '12w', ctx.now()), ctx.now()),
  }),
  'review.sample': action({
    write: true,
    args: z.object({
      name: text,
      since: text,
      until: text.optional(),
      n: z.number().int().positive().max(10_000),
      mix: text.optional(),
      strata: text.optional(),
      seed: z.number().int().min(0),
    }),
    run: sampleQueue,
  }),
  'review.show': action({
    write: false,
    args: z.object({ queue: text, item: text.optional() }),
    run: showItem,
  }),
  'review.next': action({
    write: true,
    args: z.object({ queue: text, hold: text.optional() }),
    run: nextItem,
  }),
  'review.release': action({
    write: true,
    args: z.object({ queue: text, session: text, force: z.boolean().optional() }),
    run: releaseItem,
  }),
  'review.export': action({
    write: false,
    args: z.object({ queue: text, notes: z.boolean().optional() }),
    run: exportNotes,
  }),
  'review.queues': action({
    write: false,
    args: z.object({}),
    run: async (ctx) => Promise.all((await queueNames(ctx)).map((q) => queueStatus(ctx, q))),
  }),
  'review.verdict': action({
    write: true,
    args: z.object({
      queue: text,
      session: text,
      verdict: z.enum(['pass', 'fail', 'defer']),
      firstEvent: text.optional(),
      note: z.string().max(10_000).optional(),
    }),
    run: recordVerdict,
  }),
  'review.status': action({
    write: false,
    args: z.object({ queue: text }),
    run: (ctx, a) => queueStatus(ctx, a.queue),
  }),
  'patterns.list': action({ write: false, args: z.object({}), run: (ctx) => patterns.listPatterns(ctx) }),
  'patterns.show': action({ write: false, args: z.object({ pattern: text }), run: patterns.showPattern }),
  'patterns.add': action({
    write: true,
    args: z.object({ slug: text, name: text.optional(), definition: text.optional() }),
    run: patterns.addPattern,
  }),
  'patterns.assign': action({
    write: true,
    args: z.object({ note: text, pattern: text }),
    run: patterns.assignNote,
  }),
  'patterns.merge': action({
    write: true,
    args: z.object({ from: text, into: text }),
    run: patterns.mergePatterns,
  }),
  'patterns.rename': action({
    write: true,
    args: z.object({ from: text, to: text, name: text.optional() }),
    run: patterns.renamePattern,
  }),
  'patterns.split': action({
    write: true,
    args: z.object({ from: text, to: text, notes: z.array(text).min(1), definition: text.optional() }),
    run: patterns.splitPattern,
  }),
  'patterns.label': action({
    write: true,
    args: z.object({ queue: text, session: text, pattern: text, present: z.boolean() }),
    run: patterns.labelSession,
  }),
  'patterns.recommend': action({
    write: true,
    args: z.object({ pattern: text, text: text }),
    run: patterns.recommend,
  }),
  'patterns.status': action({
    write: true,
    args: z.object({ pattern: text, status: text, reason: text.optional() }),
    run: patterns.setPatternStatus,
  }),
  'patterns.import': action({
    write: true,
    args: z.object({ draft: DRAFT_SCHEMA }),
    run: importDraft,
  }),
  'patterns.confirm': action({
    write: true,
    args: z.object({ pattern: text, note: text.optional(), all: z.boolean().optional() }),
    run: confirmProposals,
  }),
  'patterns.reject': action({
    write: true,
    args: z.object({ pattern: text, note: text.optional(), all: z.boolean().optional() }),
    run: rejectProposals,
  }),
  'patterns.detector': action({
    write: true,
    args: z.object({ pattern: text, signal: text }),
    run: setDetector,
  }),
  'patterns.watch': action({
    write: true,
    args: z.object({ pattern: text, since: text.optional(), dryRun: z.boolean().optional() }),
    run: (ctx, a) => watchPattern(ctx, { pattern: a.pattern, since: a.since, flip: a.dryRun !== true }),
  }),
  'patterns.detail': action({
    write: false,
    args: z.object({ pattern: text, since: text.optional() }),
    run: patternDetail,
  }),
  'patterns.count': action({ write: false, args: z.object({ queue: text }), run: countPatterns }),
  'changes.add': action({
    write: true,
    args: z.object({
      kind: text,
      ref: text.optional(),
      description: text.optional(),
      effective: text,
      patterns: z.array(text).optional(),
      metric: text.optional(),
      target: text.optional(),
      before: text.optional(),
      after: text.optional(),
    }),
    run: addChange,
  }),
  'changes.edit': action({
    write: true,
    args: z.object({
      id: text,
      effective: text.optional(),
      before: text.optional(),
      after: text.optional(),
      reason: text.optional(),
    }),
    run: editChange,
  }),
  'changes.list': action({ write: false, args: z.object({}), run: (ctx) => loadChanges(ctx) }),
  'changes.show': action({
    write: false,
    args: z.object({ id: text }),
    run: async (ctx, a) => ({
      ...(await getChange(ctx, a.id)),
      measurements: await changeMeasurements(ctx, a.id),
    }),
  }),
  'changes.measure': action({
    write: true,
    args: z.object({ id: text, stratify: z.array(text).optional() }),
    run: measureChange,
  }),
  'changes.weekly': action({
    write: false,
    args: z.object({ id: text }),
    run: computeWeeklyRates,
  }),
  'report.error_analysis': action({
    write: false,
    args: z.object({ queue: text }),
    run: errorAnalysisReport,
  }),
} as const;

export type ActionName = keyof typeof ACTIONS;

export const isAction = (name: string): name is ActionName => Object.hasOwn(ACTIONS, name);

/** Runs action `name` with raw (JSON) arguments; expected failures are AnalysisErrors. */
export async function runAction(ctx: AnalysisContext, name: string, raw: unknown): Promise<unknown> {
  if (!isAction(name))
    throw new AnalysisNotFoundError(
      `no analysis action "${name}"; known: ${Object.keys(ACTIONS).join(', ')}`,
    );
  const a = ACTIONS[name] as Action<z.ZodType>;
  const parsed = a.args.safeParse(raw ?? {});
  if (!parsed.success)
    throw new AnalysisError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; '),
    );
  try {
    return await a.run(ctx, parsed.data);
  } catch (err) {
    if (err instanceof UnknownSignalError || err instanceof UnknownSessionSignalError)
      throw new AnalysisNotFoundError(err.message);
    if (err instanceof QueryParamError || err instanceof StatsInputError)
      throw new AnalysisError(err.message);
    throw err;
  }
}
