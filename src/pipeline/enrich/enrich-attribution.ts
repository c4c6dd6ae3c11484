/**
 * enrich: which feature and chapter an event belongs to. An explicit `feature` / `chapter` attribute
 * (record or resource, e.g. from OTEL_RESOURCE_ATTRIBUTES) wins; else the configured patterns are
 * matched against the branch name, capture group 1 being the value (`017-usage-data-collection` →
 * feature `017`, `ch07-intro` → chapter `7`). It also classifies Bash tool calls whose command is a
 * validation (tests, linters, type checks, builds), so reports count them without a regex per row.
 */
import type { EventRow } from '../../model/records.js';
import { normalizeChapter } from './derive-context.js';
import { DEFAULT_VALIDATION_PATTERNS } from './validation-patterns.js';

export interface Attribution {
  featurePattern: RegExp;
  chapterPattern: RegExp;
  /** Validation kinds in order of precedence, each with its pattern on the Bash command. */
  validation: { kind: string; pattern: RegExp }[];
}

/** The default patterns (configurable as attribution.featurePattern / chapterPattern). */
export const DEFAULT_ATTRIBUTION_PATTERNS = {
  featurePattern: '^(?:[\\w.-]+/)*(\\d{3})-',
  chapterPattern: '(?:^|[/_-])(?:ch|chapter)[-_]?(\\d+)',
} as const;

export interface AttributionPatterns {
  featurePattern: string;
  chapterPattern: string;
  /** `validation.*`: kind → pattern (test, lint, typecheck, build); absent: the defaults. */
  validation?: Record<string, string>;
}

export const compileAttribution = (p: AttributionPatterns): Attribution => ({
  featurePattern: new RegExp(p.featurePattern),
  chapterPattern: new RegExp(p.chapterPattern, 'i'),
  validation: Object.entries(p.validation ?? DEFAULT_VALIDATION_PATTERNS).map(([kind, pattern]) => ({
    kind,
    pattern: new RegExp(pattern),
  })),
});

/** The validation kind of a tool call's command, or null. */
export function validationKindOf(attribution: Attribution, command: string | null): string | null {
  if (!command) return null;
  for (const v of attribution.validation) if (v.pattern.test(command)) return v.kind;
  return null;
}

/** A JSON text that may name an explicit feature or chapter (one scan; most records name neither). */
const EXPLICIT = /"(?:feature|chapter)"/;

const parsedIfExplicit = (json: string): Record<string, unknown> | null =>
  EXPLICIT.test(json) ? (JSON.parse(json) as Record<string, unknown>) : null;

function valueOf(obj: Record<string, unknown> | null, key: 'feature' | 'chapter'): string | null {
  const v = obj?.[key];
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  return null;
}

const capture = (pattern: RegExp, text: string | null): string | null =>
  text ? (pattern.exec(text)?.[1] ?? null) : null;

export function enrichAttribution(rows: EventRow[], attribution: Attribution): EventRow[] {
  for (const row of rows) {
    const attrs = parsedIfExplicit(row.attributes);
    const resource = parsedIfExplicit(row.resource);
    row.feature =
      valueOf(attrs, 'feature') ??
      valueOf(resource, 'feature') ??
      capture(attribution.featurePattern, row.git_branch);
    if (row.event_name === 'tool_result') row.validation_kind = validationKindOf(attribution, row.command);
    row.chapter = normalizeChapter(
      valueOf(attrs, 'chapter') ??
        valueOf(resource, 'chapter') ??
        capture(attribution.chapterPattern, row.git_branch),
    );
  }
  return rows;
}
