/**
 * The `redaction` config (one key of the collector's schema) and its compiled form. Extra patterns
 * are checked when the config is read, so a bad one stops start-up with a message naming it. The
 * settings travel to pipeline worker threads as plain data (`RedactionSettings`) and are compiled
 * where the pipeline runs (`compileRedaction`).
 */
import { z } from 'zod';
import { keywordPrefilter, MIN_SECRET_LENGTH, SECRET_DETECTORS } from './secret-detectors.js';

function patternProblem(pattern: string, ignoreCase: boolean): string | null {
  let compiled: RegExp;
  try {
    compiled = new RegExp(pattern, ignoreCase ? 'i' : '');
  } catch (err) {
    return `invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`;
  }
  if (compiled.test('')) return `the pattern ${JSON.stringify(pattern)} matches the empty string`;
  return null;
}

const ExtraPattern = z
  .strictObject({
    /** The name in the marker: `[REDACTED:<kind>]`. */
    kind: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a kind is lowercase letters, digits and dashes (at most 40)'),
    /** A JavaScript regular expression; the whole match is replaced. */
    pattern: z.string().min(1),
    /** Match regardless of case. */
    ignoreCase: z.boolean().default(false),
  })
  .superRefine((p, ctx) => {
    const problem = patternProblem(p.pattern, p.ignoreCase);
    if (problem) ctx.addIssue({ code: 'custom', path: ['pattern'], message: problem });
  });

export const FIELD_ACTIONS = ['keep', 'redact', 'hash', 'drop'] as const;
export type FieldAction = (typeof FIELD_ACTIONS)[number];

const FieldRule = z.strictObject({
  /** An attribute key, exact (`user.email`) or a glob where `*` is any run of characters (`user.*`). */
  key: z.string().min(1),
  /**
   * keep: as sent (secrets in it are still redacted); redact: the whole value becomes
   * `[REDACTED:field]`; hash: a keyed HMAC-SHA256 (hex), stable so joins still work; drop: removed.
   */
  action: z.enum(FIELD_ACTIONS),
  /** Only for records of these members; for everyone when absent. */
  members: z.array(z.string().min(1)).min(1).optional(),
});

export type FieldRuleConfig = z.infer<typeof FieldRule>;

export const RedactionConfig = z.strictObject({
  /**
   * redact: every attribute is kept (after the detectors and field rules); allow: only the keys in
   * `allow`, the keys the collector reads (ALWAYS_ALLOWED) and keys with a field rule are kept, every
   * other attribute is dropped (fails closed: a new attribute is not stored until it is listed).
   */
  mode: z.enum(['redact', 'allow']).default('redact'),
  /** Patterns redacted in every string, besides the built-in detectors. */
  patterns: z.array(ExtraPattern).default([]),
  /** Per-attribute rules; the first rule whose key (and member, when it names members) matches applies. */
  fields: z.array(FieldRule).default([]),
  /** Attribute keys (exact or glob) kept in allow mode. */
  allow: z.array(z.string().min(1)).default([]),
  /** The HMAC key for `hash` rules; default: a random key created once in `<dataDir>/redaction-key`. */
  hashKey: z.string().min(16, 'a hash key has at least 16 characters').optional(),
});

export type RedactionConfig = z.infer<typeof RedactionConfig>;

/** The config as compiled where the pipeline runs; hashKey is resolved (null: no hash rule needs one). */
export type RedactionSettings = Omit<RedactionConfig, 'hashKey'> & { hashKey: string | null };

export const DEFAULT_REDACTION_SETTINGS: RedactionSettings = {
  ...RedactionConfig.parse({}),
  hashKey: null,
};

/**
 * The attribute keys allow mode always keeps: what normalize and enrich read into typed columns and
 * the member (so `command` and `error` still come from tool_parameters, tool_input and error, after the
 * detectors), and the collector's own `unsilo.*`. A field rule still applies to them (drop, hash, …).
 */
export const ALWAYS_ALLOWED: readonly string[] = [
  'event.name',
  'event.sequence',
  'session.id',
  'prompt.id',
  'gen_ai.conversation.id',
  'member',
  'team.member',
  'user.id',
  'user.email',
  'user.account_uuid',
  'organization.id',
  'app.version',
  'service.version',
  'terminal.type',
  'model',
  'type',
  'query_source',
  'tool_name',
  'tool_use_id',
  'request_id',
  'success',
  'decision',
  'source',
  'duration_ms',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_creation_tokens',
  'cost_usd',
  'error',
  'error_type',
  'status_code',
  'attempt',
  'prompt_length',
  'tool_parameters',
  'tool_input',
  'vcs.repository.name',
  'repo',
  'vcs.ref.head.name',
  'branch',
  'git.branch',
  'feature',
  'chapter',
  'unsilo.*',
];

export interface CompiledRule {
  key: RegExp;
  action: FieldAction;
  members: ReadonlySet<string> | null;
}

export interface ExtraDetector {
  kind: string;
  /** Global: every match is replaced. */
  pattern: RegExp;
  /** Not global: does the string hold a match at all. */
  probe: RegExp;
}

/** What happens to one attribute key; computed once per key and cached. */
export interface KeyPlan {
  /** The value is a secret as a whole when it is a string (`password`, `GITHUB_TOKEN`). */
  secretKey: boolean;
  /** The field rules whose key matches, in order. */
  rules: readonly CompiledRule[];
  /** The action when no rule applies: keep, or drop in allow mode when the key is not listed. */
  fallback: 'keep' | 'drop';
}

export interface Redaction {
  mode: 'redact' | 'allow';
  /** Matches every string a built-in detector could match. */
  prefilter: RegExp;
  extra: readonly ExtraDetector[];
  /** Strings shorter than this are not scanned. */
  minLength: number;
  rules: readonly CompiledRule[];
  hasMemberRules: boolean;
  allow: readonly RegExp[];
  hashKey: string | null;
  /** Per attribute key, filled as keys are seen (redact-values.ts). */
  plans: Map<string, KeyPlan>;
}

const escapeRegex = (s: string): string => s.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&');

/** `user.*` → /^user\..*$/. */
export const globToRegex = (glob: string): RegExp =>
  new RegExp(`^${escapeRegex(glob).replaceAll('*', '.*')}$`);

export function compileRedaction(s: RedactionSettings): Redaction {
  const rules = s.fields.map((f) => ({
    key: globToRegex(f.key),
    action: f.action,
    members: f.members ? new Set(f.members) : null,
  }));
  if (rules.some((r) => r.action === 'hash') && s.hashKey === null) {
    throw new Error('redaction: a hash rule needs a hash key (redaction.hashKey or <dataDir>/redaction-key)');
  }
  const extra = s.patterns.map((p) => ({
    kind: p.kind,
    pattern: new RegExp(p.pattern, p.ignoreCase ? 'gi' : 'g'),
    probe: new RegExp(p.pattern, p.ignoreCase ? 'i' : ''),
  }));
  return {
    mode: s.mode,
    prefilter: keywordPrefilter(SECRET_DETECTORS),
    extra,
    minLength: extra.length > 0 ? 1 : MIN_SECRET_LENGTH,
    rules,
    hasMemberRules: rules.some((r) => r.members !== null),
    allow: s.mode === 'allow' ? [...ALWAYS_ALLOWED, ...s.allow].map(globToRegex) : [],
    hashKey: s.hashKey,
    plans: new Map(),
  };
}
