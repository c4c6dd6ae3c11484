/**
 * demo: the cast. Five members writing a technical book with code on numbered feature branches that
 * name a chapter (`017-ch07-telemetry`: feature 017, chapter 07, as the default attribution patterns
 * read it), each with their own settings (time zone, models, traces on or off, retry budget), and the
 * model price table that makes costs plausible.
 */
import { hashSeed, Rng } from './demo-random.js';

export interface Member {
  name: string;
  /** Claude Code's random 64-hex userID from ~/.claude.json: stable per member. */
  userId: string;
  utcOffsetHours: number;
  terminal: string;
  osVersion: string;
  /** Multiplies the sessions per day. */
  intensity: number;
  /** Share of sessions on Opus. */
  opusShare: number;
  /** Share of sessions that are scripted `claude -p` runs (query_source `sdk`) rather than interactive. */
  sdkShare: number;
  /** CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1 + OTEL_TRACES_EXPORTER=otlp. */
  traces: boolean;
  /** OTEL_LOG_USER_PROMPTS=1: prompts and responses in clear instead of <REDACTED>. */
  logPrompts: boolean;
  /** CLAUDE_CODE_MAX_RETRIES (10 unless the member set it). */
  maxRetries: number;
}

const PROFILES: readonly Omit<Member, 'userId'>[] = [
  {
    name: 'alice',
    utcOffsetHours: 1,
    terminal: 'vscode',
    osVersion: '6.8.0-52-generic',
    intensity: 1.2,
    opusShare: 0.1,
    sdkShare: 0.08,
    traces: true,
    logPrompts: false,
    maxRetries: 10,
  },
  {
    name: 'bob',
    utcOffsetHours: 0,
    terminal: 'tmux',
    osVersion: '6.11.5-arch1-1',
    intensity: 1.0,
    opusShare: 0.35,
    sdkShare: 0.05,
    traces: false,
    logPrompts: true,
    maxRetries: 10,
  },
  {
    name: 'carol',
    utcOffsetHours: -5,
    terminal: 'xterm-256color',
    osVersion: '6.8.0-49-generic',
    intensity: 0.9,
    opusShare: 0.05,
    sdkShare: 0.1,
    traces: false,
    logPrompts: false,
    maxRetries: 3,
  },
  {
    name: 'dan',
    utcOffsetHours: 2,
    terminal: 'vscode',
    osVersion: '6.12.9-200.fc41.x86_64',
    intensity: 1.0,
    opusShare: 0.2,
    sdkShare: 0.35,
    traces: true,
    logPrompts: false,
    maxRetries: 10,
  },
  {
    name: 'erin',
    utcOffsetHours: -8,
    terminal: 'ghostty',
    osVersion: '6.8.0-52-generic',
    intensity: 0.8,
    opusShare: 0.15,
    sdkShare: 0.05,
    traces: false,
    logPrompts: false,
    maxRetries: 5,
  },
];

const EXTRA_NAMES = [
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
  'niaj',
  'olivia',
  'peggy',
  'rupert',
];

/** The team: the five named members first, then more with generated profiles when asked for. */
export function team(count: number): Member[] {
  return Array.from({ length: count }, (_, i): Member => {
    const name =
      i < PROFILES.length
        ? (PROFILES[i]?.name ?? '')
        : (EXTRA_NAMES[i - PROFILES.length] ?? `member${i + 1}`);
    const rng = new Rng(hashSeed(`unsilo-demo-member:${name}`));
    const userId = rng.hex(64);
    const profile = PROFILES[i] ?? {
      name,
      utcOffsetHours: rng.int(-6, 2),
      terminal: rng.pick(['vscode', 'tmux', 'xterm-256color']),
      osVersion: '6.8.0-52-generic',
      intensity: 0.7 + rng.next() * 0.5,
      opusShare: 0.1 + rng.next() * 0.2,
      sdkShare: 0.1,
      traces: rng.chance(0.4),
      logPrompts: false,
      maxRetries: 10,
    };
    return { ...profile, userId };
  });
}

export type ProjectKind = 'ts' | 'py' | 'prose';

export interface Branch {
  name: string;
  kind: ProjectKind;
  /** The chapter the branch works on (null: any chapter). */
  chapter: string | null;
  /** Who works on it ('all': everyone, including generated members). */
  members: readonly string[] | 'all';
  /** Active from/to, as fractions of the demo's date range. */
  from: number;
  to: number;
  weight: number;
}

/** 4 features (017, 018, 021, 024) and 8 chapters; `ch12-review` has a chapter only, `main` neither. */
export const BRANCHES: readonly Branch[] = [
  {
    name: '017-ch07-telemetry',
    kind: 'ts',
    chapter: '07',
    members: ['alice', 'dan'],
    from: 0,
    to: 0.7,
    weight: 5,
  },
  {
    name: '017-ch08-dashboards',
    kind: 'ts',
    chapter: '08',
    members: ['alice', 'erin'],
    from: 0.4,
    to: 1,
    weight: 4,
  },
  {
    name: '018-ch05-figures',
    kind: 'py',
    chapter: '05',
    members: ['bob', 'carol'],
    from: 0,
    to: 0.6,
    weight: 5,
  },
  {
    name: 'feature/018-ch09-diagrams',
    kind: 'py',
    chapter: '09',
    members: ['bob'],
    from: 0.5,
    to: 1,
    weight: 4,
  },
  {
    name: '021-ch03-intro',
    kind: 'prose',
    chapter: '03',
    members: ['carol', 'erin'],
    from: 0.2,
    to: 1,
    weight: 4,
  },
  { name: '021-ch01-preface', kind: 'prose', chapter: '01', members: ['erin'], from: 0, to: 0.5, weight: 3 },
  { name: '024-ch11-index', kind: 'py', chapter: '11', members: ['dan'], from: 0.6, to: 1, weight: 4 },
  {
    name: 'ch12-review',
    kind: 'prose',
    chapter: '12',
    members: ['bob', 'carol', 'dan'],
    from: 0,
    to: 1,
    weight: 2,
  },
  { name: 'main', kind: 'ts', chapter: null, members: 'all', from: 0, to: 1, weight: 1 },
];

const CHAPTERS = ['01', '03', '05', '07', '08', '09', '11', '12'];

/** The branches a member may be on at `progress` (0..1 through the range), with their weights. */
export function branchesFor(member: Member, index: number, progress: number): (readonly [Branch, number])[] {
  return BRANCHES.filter(
    (b) =>
      progress >= b.from &&
      progress <= b.to &&
      (b.members === 'all' || b.members.includes(member.name) || index >= PROFILES.length),
  ).map((b) => [b, b.weight] as const);
}

export function chapterOf(branch: Branch, rng: Rng): string {
  return branch.chapter ?? rng.pick(CHAPTERS);
}

export interface ModelPrice {
  /** USD per million tokens. */
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** Output tokens per second and time to first token, for durations. */
  tokensPerSecond: number;
  ttftMs: readonly [number, number];
}

export const MODELS = {
  'claude-sonnet-4-5': {
    input: 3,
    output: 15,
    cacheRead: 0.3,
    cacheWrite: 3.75,
    tokensPerSecond: 70,
    ttftMs: [500, 2200],
  },
  'claude-opus-4-1': {
    input: 15,
    output: 75,
    cacheRead: 1.5,
    cacheWrite: 18.75,
    tokensPerSecond: 35,
    ttftMs: [900, 3500],
  },
} as const satisfies Record<string, ModelPrice>;

export type ModelName = keyof typeof MODELS;

export interface Tokens {
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
}

export function costUsd(model: ModelName, t: Tokens): number {
  const p: ModelPrice = MODELS[model];
  return (
    (t.input * p.input + t.output * p.output + t.cacheRead * p.cacheRead + t.cacheCreation * p.cacheWrite) /
    1e6
  );
}
