/**
 * `unsilo patterns import|confirm|reject` (an LLM draft of the grouping, as proposals a person accepts)
 * and `unsilo patterns detector|watch|detail` (monitoring a pattern's detector week by week): thin
 * wrappers over the analysis actions.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { analysisCommand, runAndPrint, type AnalysisOpts } from './analysis-cli.js';
import { CliError } from './cli-error.js';
import { renderWatch } from './render-watch.js';

export function registerDraftAndWatchCommands(patterns: Command): void {
  analysisCommand(
    patterns,
    'import',
    'an LLM draft (JSON: {"patterns": [{slug, name?, definition?, notes: [note ids]}]}) as unconfirmed proposals',
  )
    .argument('<file>', 'the draft, e.g. draft.json')
    .action((file: string, o: AnalysisOpts) => runAndPrint(o, 'patterns.import', { draft: readDraft(file) }));
  for (const [verb, what] of [
    ['confirm', 'accept proposed links (they count and label their sessions from now on)'],
    ['reject', 'drop proposed links'],
  ] as const)
    analysisCommand(patterns, verb, what)
      .argument('<pattern>', 'slug')
      .option('--note <id>', 'one note')
      .option('--all', "every proposal of the pattern's")
      .action((pattern: string, o: AnalysisOpts & { note?: string; all?: boolean }) =>
        runAndPrint(o, `patterns.${verb}`, { pattern, note: o.note, all: o.all === true ? true : undefined }),
      );
  analysisCommand(patterns, 'detector', 'the signal that detects a pattern, for `patterns watch`')
    .argument('<pattern>', 'slug')
    .argument('<signal>', 'e.g. validation_failures (`unsilo signals list`)')
    .action((pattern: string, signal: string, o: AnalysisOpts) =>
      runAndPrint(o, 'patterns.detector', { pattern, signal }),
    );
  analysisCommand(
    patterns,
    'watch',
    "the detector's weekly rate; a validated pattern whose rate is back flips to regressed",
  )
    .argument('<pattern>', 'slug')
    .option('--since <time>', 'from the ISO week of (ISO or 12w, …)', '12w')
    .option('--dry-run', 'compute only; never change the status')
    .action((pattern: string, o: AnalysisOpts & { since: string; dryRun?: boolean }) =>
      runAndPrint(o, 'patterns.watch', { pattern, since: o.since, dryRun: o.dryRun === true }, renderWatch),
    );
  analysisCommand(
    patterns,
    'detail',
    'a pattern with its notes and evidence, sessions, history and weekly rates (the /patterns/SLUG page)',
  )
    .argument('<pattern>', 'slug')
    .option('--since <time>', 'weekly rates from the ISO week of', '12w')
    .action((pattern: string, o: AnalysisOpts & { since: string }) =>
      runAndPrint(o, 'patterns.detail', { pattern, since: o.since }),
    );
}

function readDraft(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliError(`${file} is not JSON: ${(err as Error).message}`);
  }
}
