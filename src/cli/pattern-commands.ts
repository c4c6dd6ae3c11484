/** `unsilo patterns …` (axial coding) and `unsilo changes …` (record a fix, measure it): thin wrappers. */
import type { Command } from 'commander';
import { analysisCommand, list, renderTable, runAndPrint, type AnalysisOpts } from './analysis-cli.js';
import { writeFileSync } from 'node:fs';
import { registerDraftAndWatchCommands } from './pattern-watch-commands.js';
import {
  renderErrorAnalysisHtml,
  renderErrorAnalysisMarkdown,
  type ErrorAnalysisReport,
} from '../analysis/report/error-analysis-report.js';
import { renderMeasurement } from './render-measurement.js';
import { renderWeekly } from './render-weekly.js';

export function registerPatternCommands(program: Command): void {
  const patterns = program
    .command('patterns')
    .description('failure modes: group notes, label sessions, count');
  analysisCommand(patterns, 'list', 'every pattern with its status').action((o: AnalysisOpts) =>
    runAndPrint(o, 'patterns.list', {}, (r) =>
      renderTable(r as Record<string, unknown>[], [
        'slug',
        'name',
        'status',
        'merged_into',
        'recommendation',
      ]),
    ),
  );
  analysisCommand(patterns, 'show', 'a pattern: definition, notes, recommendation, status history')
    .argument('<pattern>', 'slug')
    .action((pattern: string, o: AnalysisOpts) => runAndPrint(o, 'patterns.show', { pattern }));
  analysisCommand(patterns, 'add', 'a new failure mode')
    .argument('<slug>', 'e.g. vague-spec')
    .option('--name <name>', 'a readable name')
    .option('--definition <text>', 'what counts, what does not')
    .action((slug: string, o: AnalysisOpts & { name?: string; definition?: string }) =>
      runAndPrint(o, 'patterns.add', { slug, name: o.name, definition: o.definition }),
    );
  analysisCommand(patterns, 'assign', "link a note to a pattern (labels the note's session present)")
    .argument('<note>', 'note id (from review verdict / review show)')
    .argument('<pattern>', 'slug')
    .action((note: string, pattern: string, o: AnalysisOpts) =>
      runAndPrint(o, 'patterns.assign', { note, pattern }),
    );
  analysisCommand(
    patterns,
    'merge',
    'merge pattern <from> into <into>; links are kept and counted with <into>',
  )
    .argument('<from>')
    .argument('<into>')
    .action((from: string, into: string, o: AnalysisOpts) =>
      runAndPrint(o, 'patterns.merge', { from, into }),
    );
  analysisCommand(patterns, 'rename', 'give a pattern another slug; links are kept')
    .argument('<from>')
    .argument('<to>')
    .option('--name <name>', 'a new readable name too')
    .action((from: string, to: string, o: AnalysisOpts & { name?: string }) =>
      runAndPrint(o, 'patterns.rename', { from, to, name: o.name }),
    );
  analysisCommand(patterns, 'split', 'move the chosen notes of <from> into a new pattern <to>')
    .argument('<from>')
    .argument('<to>')
    .requiredOption('--notes <ids>', 'comma-separated note ids', list)
    .option('--definition <text>', "the new pattern's definition")
    .action((from: string, to: string, o: AnalysisOpts & { notes: string[]; definition?: string }) =>
      runAndPrint(o, 'patterns.split', { from, to, notes: o.notes, definition: o.definition }),
    );
  analysisCommand(patterns, 'label', 'label a queued session present or absent for a pattern')
    .argument('<queue>')
    .argument('<session>')
    .argument('<pattern>')
    .argument('<present>', 'present | absent')
    .action((queue: string, session: string, pattern: string, present: string, o: AnalysisOpts) =>
      runAndPrint(o, 'patterns.label', { queue, session, pattern, present: present === 'present' }),
    );
  analysisCommand(patterns, 'recommend', 'the fix proposed for a pattern')
    .argument('<pattern>')
    .argument('<text>')
    .action((pattern: string, text: string, o: AnalysisOpts) =>
      runAndPrint(o, 'patterns.recommend', { pattern, text }),
    );
  analysisCommand(patterns, 'status', "set a pattern's status (e.g. wont_fix, regressed)")
    .argument('<pattern>')
    .argument('<status>')
    .option('--reason <text>')
    .action((pattern: string, status: string, o: AnalysisOpts & { reason?: string }) =>
      runAndPrint(o, 'patterns.status', { pattern, status, reason: o.reason }),
    );
  registerDraftAndWatchCommands(patterns);
  analysisCommand(
    patterns,
    'count',
    'sessions per pattern in a queue, with Wilson intervals, raw and reweighted',
  )
    .argument('<queue>')
    .action((queue: string, o: AnalysisOpts) =>
      runAndPrint(o, 'patterns.count', { queue }, (r) =>
        renderTable(r as Record<string, unknown>[], [
          'pattern',
          'status',
          'sessions',
          'reviewed',
          'rate',
          'lo',
          'hi',
          'weighted_rate',
          'weighted_lo',
          'weighted_hi',
          'unlabelled',
        ]),
      ),
    );

  const changes = program.command('changes').description('record a fix and measure whether it worked');
  analysisCommand(changes, 'add', 'record a change; its before/after windows are fixed now')
    .requiredOption('--kind <kind>', 'spec_template, claude_md, cc_version, model, hook or other')
    .requiredOption('--effective <time>', 'when it took effect, e.g. 2026-12-01T00:00Z')
    .option('--ref <ref>', 'e.g. git:abc123')
    .option('--description <text>')
    .option('--patterns <slugs>', 'comma-separated patterns it addresses', list)
    .option(
      '--metric <metric>',
      'bad_validation_session_rate or signal:<name>',
      'bad_validation_session_rate',
    )
    .option('--target <pct>', 'the relative change hoped for, e.g. -20%')
    .option('--before <days>', 'before window, e.g. 28d', '28d')
    .option('--after <days>', 'after window, e.g. 28d', '28d')
    .action(
      (
        o: AnalysisOpts & {
          kind: string;
          effective: string;
          ref?: string;
          description?: string;
          patterns?: string[];
          metric: string;
          target?: string;
          before: string;
          after: string;
        },
      ) => {
        const { server: _s, dataDir: _d, token: _t, author: _a, format: _f, ...args } = o;
        return runAndPrint(o, 'changes.add', args);
      },
    );
  analysisCommand(changes, 'edit', 'move the windows of a change (logged; later measurements warn)')
    .argument('<id>')
    .option('--effective <time>')
    .option('--before <days>', 'e.g. 14d')
    .option('--after <days>', 'e.g. 14d')
    .option('--reason <text>', 'why the windows moved')
    .action(
      (
        id: string,
        o: AnalysisOpts & { effective?: string; before?: string; after?: string; reason?: string },
      ) =>
        runAndPrint(o, 'changes.edit', {
          id,
          effective: o.effective,
          before: o.before,
          after: o.after,
          reason: o.reason,
        }),
    );
  analysisCommand(changes, 'list', 'every change').action((o: AnalysisOpts) =>
    runAndPrint(o, 'changes.list', {}, (r) =>
      renderTable(r as Record<string, unknown>[], [
        'id',
        'kind',
        'ref',
        'effective',
        'metric',
        'target',
        'patterns',
      ]),
    ),
  );
  analysisCommand(changes, 'show', 'a change with every measurement snapshot')
    .argument('<id>')
    .action((id: string, o: AnalysisOpts) => runAndPrint(o, 'changes.show', { id }));
  analysisCommand(
    changes,
    'measure',
    'measure a change now: rates, difference, relative change, verdict (a snapshot)',
  )
    .argument('<id>')
    .option('--stratify <fields>', 'comma-separated: chapter, member, feature, cc_version, model', list)
    .action((id: string, o: AnalysisOpts & { stratify?: string[] }) =>
      runAndPrint(o, 'changes.measure', { id, stratify: o.stratify }, renderMeasurement),
    );
  analysisCommand(
    changes,
    'weekly',
    "the change's metric per ISO week over its windows, with Wilson 95 % intervals (the page's chart)",
  )
    .argument('<id>')
    .action((id: string, o: AnalysisOpts) => runAndPrint(o, 'changes.weekly', { id }, renderWeekly));

  const report = program.commands.find((c) => c.name() === 'report') ?? program.command('report');
  analysisCommand(
    report,
    'error-analysis',
    "a review queue's findings: failure modes, counts, recommendations, verdicts",
    ['md', 'html', 'json'],
  )
    .requiredOption('--queue <name>', 'the review queue')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(
      async (
        o: Omit<AnalysisOpts, 'format'> & { queue: string; format: 'md' | 'html' | 'json'; out?: string },
      ) => {
        const render = (r: unknown): string =>
          o.format === 'html'
            ? renderErrorAnalysisHtml(r as ErrorAnalysisReport)
            : o.format === 'md'
              ? renderErrorAnalysisMarkdown(r as ErrorAnalysisReport)
              : JSON.stringify(r, null, 2);
        if (!o.out)
          return runAndPrint({ ...o, format: 'table' }, 'report.error_analysis', { queue: o.queue }, render);
        const { openAnalysis } = await import('./analysis-backend.js');
        const backend = await openAnalysis(o);
        try {
          writeFileSync(o.out, render(await backend.run('report.error_analysis', { queue: o.queue })));
          process.stderr.write(`unsilo: wrote ${o.out}\n`);
        } finally {
          await backend.close();
        }
      },
    );
}
