/**
 * `unsilo signals list|test` and `unsilo review sample|show|verdict|status`: thin: flags → one
 * analysis action → JSON or a table.
 */
import type { Command } from 'commander';
import { analysisCommand, renderAny, renderTable, runAndPrint, type AnalysisOpts } from './analysis-cli.js';
import { wholeNumber } from './query-commands.js';
import { renderReviewItem } from './render-review-item.js';

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
    .action((queue: string, item: string, o: AnalysisOpts) =>
      runAndPrint(o, 'review.show', { queue, item }, renderReviewItem),
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
    .action((queue: string, o: AnalysisOpts) => runAndPrint(o, 'review.status', { queue }));
}
