/**
 * demo: what the team types and runs. The validations of each kind of branch (tests, linters, type
 * checks, builds, with typical run times), ordinary shell commands, the risky ones a member refuses,
 * the files they touch, their prompts and the assistant's answers.
 */
import type { ProjectKind } from './demo-team.js';

export type CommandClass = 'test' | 'lint' | 'typecheck' | 'build' | 'other';

export interface Command {
  cmd: string;
  description: string;
  cls: CommandClass;
  /** Typical run time in ms. */
  ms: readonly [number, number];
}

const c = (cmd: string, description: string, cls: CommandClass, ms: readonly [number, number]): Command => ({
  cmd,
  description,
  cls,
  ms,
});

/** The validations of a branch: tests, linters, type checks, builds. */
export function validations(kind: ProjectKind, ch: string): Command[] {
  const book = [
    c('npx markdownlint chapters/', 'Lint all chapters', 'lint', [1500, 6000]),
    c(`npx markdownlint chapters/ch${ch}.md`, `Lint chapter ${ch}`, 'lint', [900, 3000]),
    c(
      `pandoc chapters/ch${ch}.md -o build/ch${ch}.pdf`,
      `Build the PDF of chapter ${ch}`,
      'build',
      [2500, 15000],
    ),
    c('make book', 'Build the whole book', 'build', [20000, 110000]),
  ];
  switch (kind) {
    case 'ts':
      return [
        c('npm test', 'Run the test suite', 'test', [6000, 45000]),
        c('npx vitest run', 'Run the tests', 'test', [4000, 30000]),
        c(`npx vitest run examples/ch${ch}`, `Run the chapter ${ch} example tests`, 'test', [2500, 12000]),
        c('npm run lint', 'Lint the code', 'lint', [3000, 15000]),
        c('npx tsc --noEmit', 'Type-check', 'typecheck', [4000, 20000]),
        c('npm run build', 'Build', 'build', [5000, 40000]),
        ...book.slice(2, 3),
      ];
    case 'py':
      return [
        c('pytest -q', 'Run the Python tests', 'test', [3000, 40000]),
        c(`pytest -q tests/test_ch${ch}.py`, `Run the chapter ${ch} tests`, 'test', [1500, 9000]),
        ...book,
      ];
    case 'prose':
      return [c('npm test', 'Check the code samples', 'test', [6000, 40000]), ...book];
  }
}

export function ordinaryCommands(ch: string): Command[] {
  return [
    c('ls', 'List files', 'other', [5, 40]),
    c('ls chapters', 'List chapters', 'other', [5, 40]),
    c('git status', 'Show working tree status', 'other', [20, 150]),
    c('git diff --stat', 'Show changed files', 'other', [20, 200]),
    c('git log --oneline -5', 'Show recent commits', 'other', [20, 120]),
    c('grep -rn TODO chapters/', 'Find TODOs in the chapters', 'other', [20, 300]),
    c(`wc -w chapters/ch${ch}.md`, `Count the words of chapter ${ch}`, 'other', [5, 30]),
    c('cat package.json', 'Show package.json', 'other', [5, 30]),
  ];
}

/** Commands a careful member refuses to let run (decision reject, source user_reject). */
export const RISKY_COMMANDS: readonly Command[] = [
  c('git push --force-with-lease', 'Push the branch', 'other', [800, 3000]),
  c('rm -rf build/', 'Clean the build directory', 'other', [10, 80]),
  c('git reset --hard HEAD~1', 'Drop the last commit', 'other', [20, 100]),
];

export function filesFor(kind: ProjectKind, ch: string): string[] {
  const prose = [`chapters/ch${ch}.md`, `chapters/ch${ch}-exercises.md`, 'chapters/glossary.md'];
  switch (kind) {
    case 'ts':
      return [
        ...prose,
        `examples/ch${ch}/collector.ts`,
        `examples/ch${ch}/collector.test.ts`,
        'src/telemetry/exporter.ts',
      ];
    case 'py':
      return [...prose, `examples/ch${ch}/plot.py`, `tests/test_ch${ch}.py`, 'scripts/build_index.py'];
    case 'prose':
      return [...prose, 'chapters/references.bib'];
  }
}

export function languageOf(file: string): string {
  if (file.endsWith('.ts')) return 'TypeScript';
  if (file.endsWith('.py')) return 'Python';
  if (file.endsWith('.md')) return 'Markdown';
  return 'BibTeX';
}

export function openingPrompts(kind: ProjectKind, ch: string): string[] {
  const common = [
    `Tighten the wording of section 2 in chapter ${ch}; keep the examples as they are`,
    `Add a short exercise at the end of chapter ${ch} with a worked solution`,
    `Review chapter ${ch} for broken cross-references and fix them`,
    'Fix the markdownlint warnings in the chapters',
  ];
  switch (kind) {
    case 'ts':
      return [
        ...common,
        `The example in examples/ch${ch} fails its tests, find out why and fix it`,
        `Add retries with backoff to the exporter in examples/ch${ch} and explain them in the chapter`,
        'Type-check the project and fix the errors',
      ];
    case 'py':
      return [
        ...common,
        `Regenerate the figures for chapter ${ch} and make the axis labels readable`,
        `tests/test_ch${ch}.py is flaky, make it deterministic`,
        'Rebuild the index and check that every term in the glossary is in it',
      ];
    case 'prose':
      return [
        ...common,
        `Rewrite the opening of chapter ${ch} so it starts with the example`,
        'Build the book and check the PDF for layout problems',
      ];
  }
}

export const FOLLOW_UPS = [
  'yes, go ahead',
  'good, now run the tests again',
  'shorter please, and keep the tone informal',
  'also update the summary at the end of the chapter',
  'looks good. Check the other chapters for the same problem',
  'can you explain why that fixed it?',
  'use the same wording as in the glossary',
  'ok, continue',
];
export const STREAK_FOLLOW_UPS = [
  'the tests still fail, look at the assertion message',
  'still failing. Read the fixture before changing the code again',
  'it fails the same way, try a different approach',
];
export const RETRY_PROMPTS = ['try again', 'continue', 'retry please'];
export const AFTER_REJECT_PROMPTS = [
  'no, do not run that. Just show me the diff',
  'stop, leave the build directory alone',
  'not yet, first explain what you changed',
];
export const COMMIT_PROMPT = 'commit this with a short message';

export const RESPONSES = [
  'Done. I tightened section 2 and kept the examples unchanged.',
  'The tests pass now. The fixture expected UTC timestamps; I made the example parse them as UTC.',
  'I fixed the three broken cross-references and the lint warnings.',
  'Added the exercise with a worked solution at the end of the chapter.',
  'The build succeeds; the PDF has no overfull boxes left.',
  'I explained the change in the chapter and updated the summary.',
];
