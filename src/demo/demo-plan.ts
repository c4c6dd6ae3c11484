/**
 * demo: what happens in a session, decided before it is recorded. A session has a number of turns;
 * each turn is a prompt and a list of steps (the tools one model response asks for), then the final
 * answer. Ordinary turns read, grep, edit and run commands; a validation failure streak makes the same
 * command fail 3–6 times across turns, with edits in between, until it passes; risky commands get
 * rejected; the last turn may commit.
 */
import {
  AFTER_REJECT_PROMPTS,
  COMMIT_PROMPT,
  filesFor,
  FOLLOW_UPS,
  openingPrompts,
  ordinaryCommands,
  RETRY_PROMPTS,
  RISKY_COMMANDS,
  STREAK_FOLLOW_UPS,
  validations,
  type Command,
} from './demo-content.js';
import type { Rng } from './demo-random.js';
import type { Branch } from './demo-team.js';

export type ToolName = 'Bash' | 'Read' | 'Edit' | 'Write' | 'Grep';

export interface ToolCall {
  tool: ToolName;
  command?: Command;
  file?: string;
  fail?: boolean;
  reject?: boolean;
  commit?: boolean;
}

/** The tools one model response asks for. */
export type Step = ToolCall[];
/** How a turn ended: answered, cut short by a rejected tool, or by an API error. */
export type Outcome = 'ok' | 'rejected' | 'error';

type Weights<T> = readonly (readonly [T, number])[];

/** Turns of an interactive session: mostly a handful, now and then a marathon. */
export const TURNS_PER_SESSION: Weights<number> = [
  [2, 1],
  [3, 2],
  [4, 3],
  [5, 3],
  [6, 3],
  [7, 3],
  [8, 2],
  [10, 2],
  [12, 1],
  [18, 1],
];
/** Model calls per ordinary interactive turn. */
const CALLS_PER_TURN: Weights<number> = [
  [1, 12],
  [2, 20],
  [3, 25],
  [4, 20],
  [5, 13],
  [6, 10],
];
const TOOLS: Weights<ToolName> = [
  ['Read', 30],
  ['Edit', 22],
  ['Bash', 30],
  ['Grep', 10],
  ['Write', 8],
];
/** At most this many steps of a streak in one turn; then the member prompts again. */
const STREAK_STEPS_PER_TURN = 5;
const COMMIT_MESSAGES = [
  'tighten the wording',
  'fix the example tests',
  'add the exercise',
  'fix cross-references',
];

export class TurnPlanner {
  readonly files: string[];
  private readonly checks: Command[];
  private readonly ordinary: Command[];
  private streak: { command: Command; failuresLeft: number; started: boolean } | null = null;

  constructor(
    private readonly rng: Rng,
    private readonly branch: Branch,
    readonly ch: string,
    private readonly interactive: boolean,
    private readonly permissionMode: string,
  ) {
    this.files = filesFor(branch.kind, ch);
    this.checks = validations(branch.kind, ch);
    this.ordinary = ordinaryCommands(ch);
  }

  get inStreak(): boolean {
    return this.streak !== null;
  }

  /** Starts a streak: mostly a test command, else another validation. */
  startStreak(): void {
    const tests = this.checks.filter((c) => c.cls === 'test');
    const command =
      this.rng.chance(0.7) && tests.length > 0 ? this.rng.pick(tests) : this.rng.pick(this.checks);
    this.streak = { command, failuresLeft: this.rng.int(3, 6), started: false };
  }

  prompt(turn: number, resumed: boolean, last: Outcome, commit: boolean): string {
    const rng = this.rng;
    const opening = openingPrompts(this.branch.kind, this.ch);
    if (turn === 0) return rng.pick(opening);
    if (last === 'error') return rng.pick(RETRY_PROMPTS);
    if (last === 'rejected') return rng.pick(AFTER_REJECT_PROMPTS);
    if (this.streak?.started) return rng.pick(STREAK_FOLLOW_UPS);
    if (commit) return COMMIT_PROMPT;
    if (resumed) return 'continue where we left off';
    return rng.chance(0.3) ? rng.pick(opening) : rng.pick(FOLLOW_UPS);
  }

  steps(commit: boolean): Step[] {
    if (this.streak) return this.streakSteps();
    return commit ? this.commitSteps() : this.ordinarySteps();
  }

  private file(): string {
    return this.rng.pick(this.files);
  }

  private ordinarySteps(): Step[] {
    const rng = this.rng;
    const calls = this.interactive ? rng.weighted(CALLS_PER_TURN) : rng.int(3, 6);
    const steps: Step[] = [];
    const queue: ToolCall[] = [];
    while (steps.length < calls - 1) {
      const queued = queue.shift();
      if (queued) {
        steps.push([queued]);
        continue;
      }
      const tool = rng.weighted(TOOLS);
      if (tool === 'Read') {
        const read = (): ToolCall => ({ tool: 'Read', file: this.file() });
        steps.push(rng.chance(0.25) ? [read(), read()] : [read()]);
      } else if (tool === 'Grep') {
        steps.push([{ tool }]);
      } else if (tool === 'Edit' || tool === 'Write') {
        // With acceptEdits nobody is asked, so nobody rejects an edit.
        const reject = this.interactive && this.permissionMode === 'default' && rng.chance(0.025);
        steps.push([{ tool, file: this.file(), reject }]);
      } else if (this.interactive && rng.chance(0.03)) {
        steps.push([{ tool, command: rng.pick(RISKY_COMMANDS), reject: true }]);
      } else if (rng.chance(0.45)) {
        const command = rng.pick(this.checks);
        const fail = rng.chance(0.12);
        steps.push([{ tool, command, fail }]);
        if (fail && rng.chance(0.7)) queue.push({ tool: 'Edit', file: this.file() }, { tool, command });
      } else {
        const command = rng.pick(this.ordinary);
        // grep exits 1 when nothing matches: a failed tool call that is no problem.
        steps.push([{ tool, command, fail: command.cmd.startsWith('grep') && rng.chance(0.3) }]);
      }
    }
    return steps;
  }

  /** The streak's command failing until its failures are used up, edits in between, then passing. */
  private streakSteps(): Step[] {
    const streak = this.streak;
    if (!streak) return [];
    const steps: Step[] = [];
    if (!streak.started) steps.push([{ tool: 'Read', file: this.file() }]);
    streak.started = true;
    while (steps.length < STREAK_STEPS_PER_TURN) {
      const fail = streak.failuresLeft > 0;
      steps.push([{ tool: 'Bash', command: streak.command, fail }]);
      if (!fail) {
        this.streak = null;
        break;
      }
      streak.failuresLeft--;
      if (steps.length < STREAK_STEPS_PER_TURN) steps.push([{ tool: 'Edit', file: this.file() }]);
    }
    return steps;
  }

  private commitSteps(): Step[] {
    const status = this.ordinary.find((c) => c.cmd === 'git status') ?? this.rng.pick(this.ordinary);
    const message = `ch${this.ch}: ${this.rng.pick(COMMIT_MESSAGES)}`;
    const commit: Command = {
      cmd: `git add -A && git commit -m "${message}"`,
      description: 'Commit the changes',
      cls: 'other',
      ms: [60, 400],
    };
    return [[{ tool: 'Bash', command: status }], [{ tool: 'Bash', command: commit, commit: true }]];
  }
}
