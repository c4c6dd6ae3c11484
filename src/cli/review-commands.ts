/**
 * `unsilo signals list|test|sessions|weekly` and `unsilo review sample|show|release|verdict|status|queues|export`:
 * thin: flags → one analysis action → JSON or a table.
 */
import type { Command } from 'commander';
import { analysisCommand, renderAny, renderTable, runAndPrint, type AnalysisOpts } from './analysis-cli.js';
import { wholeNumber } from './query-commands.js';
import { renderReviewItem } from './render-review-item.js';
import { renderQueues, renderReviewStatus } from './render-review-status.js';
import { renderWeeks } from './render-weeks.js';
import type { WeekRate } from '../analysis/signals/signal-weeks.js';
import { SORTS } from '../analysis/signals/find-sessions.js';
import { collect, findArgs, renderFound, type FindFlags } from './find-sessions-cli.js';

export function registerReviewCommands(program: Command): void {
  const signals = program.command('signals').description('per-session failure signals (detectors)');
  analysisCommand(signals, 'list', 'the signals, how each flags a session, and how many it flags')
    .option('--since <time>', 'sessions started from then (ISO or 30d, 2w, …)')
    .option('--until <time>', 'sessions started before then')
    .action((o: AnalysisOpts & { since?: string; until?: string }) =>
      runAndPrint(o, 'signals.list', { since: o.since, until: o.until }, (r) =>
        renderTable(r as Record<string, unknown>[], [
          'name',
          'flag',
          'sessions',
          'flagged',
          'needs',
          'description',
        ]),
      ),
    );
  analysisCommand(signals, 'test', 'one signal on one session: its value, flag and the events behind it')
    .argument('<signal>', 'e.g. validation_failures')
    .requiredOption('--session <id>', 'the session')
    .option('--since <time>', 'relative signals: compare with the sessions started from then')
    .option('--until <time>', 'relative signals: … and before then')
    .action((signal: string, o: AnalysisOpts & { session: string; since?: string; until?: string }) =>
      runAndPrint(o, 'signals.test', { signal, session: o.session, since: o.since, until: o.until }, (r) => {
        const { events, ...head } = r as { events: Record<string, unknown>[] };
        const used = [...new Set(events.flatMap((e) => Object.keys(e).filter((k) => e[k] !== null)))];
        return `${renderAny(head)}\n${renderTable(events, used)}`;
      }),
    );

  analysisCommand(signals, 'sessions', 'the sessions whose signals meet every --where, with their flags')
    .option(
      '--where <condition>',
      'SIGNAL (flagged by it) or SIGNAL>N (>, >=, <, <=, =); repeatable',
      collect,
      [],
    )
    .option('--since <time>', 'sessions started from then (ISO or 14d, …)')
    .option('--until <time>', 'sessions started before then')
    .option('--member <name>', 'one member')
    .option('--chapter <chapter>', 'one chapter')
    .option('--sort <order>', `${SORTS.join(', ')}`, 'start_desc')
    .option('--limit <n>', 'at most this many', wholeNumber('--limit'))
    .action((o: AnalysisOpts & FindFlags) => runAndPrint(o, 'signals.sessions', findArgs(o), renderFound));

  analysisCommand(signals, 'weekly', "each signal's flagged-session rate per ISO week, with Wilson intervals")
    .option('--since <time>', 'from the ISO week of (ISO or 12w, …)', '12w')
    .action((o: AnalysisOpts & { since: string }) =>
      runAndPrint(o, 'signals.weekly', { since: o.since }, (r) =>
        (r as { id: string; flag: string; weeks: WeekRate[] }[])
          .map((s) => `${s.id} (flagged: ${s.flag})\n${renderWeeks(s.weeks)}`)
          .join('\n\n'),
      ),
    );

  const review = program
    .command('review')
    .description('review queues: sample sessions, read them, give verdicts');
  analysisCommand(
    review,
    'sample',
    'draw a reproducible review queue (the same name and seed again is a no-op)',
  )
    .requiredOption('--name <name>', 'queue name, e.g. w48')
    .requiredOption('--since <time>', 'sessions started from then (ISO or 14d, …)')
    .option('--until <time>', 'sessions started before then (default now)')
    .option('--n <n>', 'sessions in the queue', wholeNumber('--n'), 100)
    .option(
      '--mix <mix>',
      'e.g. random=50,signal:validation_failures=30,outlier:cost_per_prompt=20',
      'random=100',
    )
    .option('--strata <field>', 'spread each part evenly over chapter, member, feature, cc_version or model')
    .option('--seed <n>', 'random seed', wholeNumber('--seed'), 1)
    .action(
      (
        o: AnalysisOpts & {
          name: string;
          since: string;
          until?: string;
          n: number;
          mix: string;
          strata?: string;
          seed: number;
        },
      ) =>
        runAndPrint(
          o,
          'review.sample',
          {
            name: o.name,
            since: o.since,
            until: o.until,
            n: o.n,
            mix: o.mix,
            strata: o.strata,
            seed: o.seed,
          },
          (r) => {
            const { queue, created, items } = r as {
              queue: { name: string; id: string };
              created: boolean;
              items: Record<string, unknown>[];
            };
            return `${created ? 'created' : 'exists (same spec, nothing changed)'}: queue ${queue.name} (${queue.id}), ${items.length} sessions\n${renderTable(items)}`;
          },
        ),
    );
  analysisCommand(
    review,
    'show',
    'one queue item with its session signals and notes (default: the next pending)',
  )
    .argument('<queue>', 'queue name')
    .argument('[item]', 'session id, position, or "next"', 'next')
    .option('--next', 'reserve the next pending item nobody else holds for you (yours first)')
    .option('--hold <duration>', 'with --next: how long the reservation lasts, e.g. 30m, 2h', '30m')
    .action((queue: string, item: string, o: AnalysisOpts & { next?: boolean; hold: string }) =>
      o.next
        ? runAndPrint(o, 'review.next', { queue, hold: o.hold }, renderReviewItem)
        : runAndPrint(o, 'review.show', { queue, item }, renderReviewItem),
    );
  analysisCommand(
    review,
    'release',
    "give back a reserved item (yours; anyone's with --force, for a coordinator or the admin)",
  )
    .argument('<queue>', 'queue name')
    .argument('<session>', 'session id')
    .option('--force', "free another reviewer's reservation (coordinator or admin)")
    .action((queue: string, session: string, o: AnalysisOpts & { force?: boolean }) =>
      runAndPrint(o, 'review.release', { queue, session, force: o.force === true }),
    );
  analysisCommand(review, 'verdict', 'record pass, fail or defer for a queued session, with a note')
    .argument('<queue>', 'queue name')
    .argument('<session>', 'session id')
    .argument('<verdict>', 'pass | fail | defer')
    .option('--first-event <key>', 'the event where the first upstream failure shows')
    .option('--note <text>', 'what went wrong first (redacted before it is stored)')
    .action(
      (
        queue: string,
        session: string,
        verdict: string,
        o: AnalysisOpts & { firstEvent?: string; note?: string },
      ) =>
        runAndPrint(o, 'review.verdict', { queue, session, verdict, firstEvent: o.firstEvent, note: o.note }),
    );
  analysisCommand(review, 'status', 'progress, reviewers, and saturation (new codes in the last 20 reviewed)')
    .argument('<queue>', 'queue name')
    .action((queue: string, o: AnalysisOpts) =>
      runAndPrint(o, 'review.status', { queue }, renderReviewStatus),
    );
  analysisCommand(review, 'queues', 'every queue with its status (the /review page)').action(
    (o: AnalysisOpts) => runAndPrint(o, 'review.queues', {}, renderQueues),
  );
  analysisCommand(
    review,
    'export',
    "the queue's notes as JSON lines, redacted, with their patterns: the input of an LLM draft",
    ['jsonl', 'json'],
  )
    .argument('<queue>', 'queue name')
    .option('--notes', 'only annotations with a note text')
    .action((queue: string, o: Omit<AnalysisOpts, 'format'> & { format: string; notes?: boolean }) =>
      runAndPrint(
        { ...o, format: o.format === 'json' ? 'json' : 'table' },
        'review.export',
        {
          queue,
          notes: o.notes === true,
        },
        (r) => (r as unknown[]).map((n) => JSON.stringify(n)).join('\n'),
      ),
    );
}
