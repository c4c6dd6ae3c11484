/**
 * Feature and chapter from where a member works: the git branch and the working directory that the
 * session-context hooks report. Defaults: the feature from a branch like `017-usage-data-collection`
 * or a `specs/017-name/` path (→ `017`); the chapter from a branch or path like `ch07`, `chapter-7` or
 * `chapters/07-intro` (→ `7`: leading zeros dropped, so `ch07` and `chapter-7` agree).
 */
export interface ContextRules {
  /** On the branch; group 1 is the feature. */
  featurePattern: RegExp;
  /** On the working directory; group 1 is the feature. */
  featurePathPattern: RegExp;
  /** On the branch; group 1 is the chapter. */
  chapterPattern: RegExp;
  /** On the working directory; group 1 is the chapter. */
  chapterPathPattern: RegExp;
}

export const DEFAULT_PATH_PATTERNS = {
  featurePathPattern: '(?:^|/)specs/(\\d{3})-[^/]*',
  chapterPathPattern: '(?:^|/)chapters?/(?:ch(?:apter)?[-_]?)?(\\d+)',
} as const;

const first = (pattern: RegExp, text: string | null): string | null =>
  text ? (pattern.exec(text)?.[1] ?? null) : null;

/** A chapter number without leading zeros; other values as they are. */
export const normalizeChapter = (v: string | null): string | null =>
  v !== null && /^\d+$/.test(v) ? String(Number(v)) : v;

export function deriveContext(
  rules: ContextRules,
  branch: string | null,
  cwd: string | null,
): { feature: string | null; chapter: string | null } {
  return {
    feature: first(rules.featurePattern, branch) ?? first(rules.featurePathPattern, cwd),
    chapter: normalizeChapter(first(rules.chapterPattern, branch) ?? first(rules.chapterPathPattern, cwd)),
  };
}

/** `org/repo` from a git remote URL (https, ssh or scp-like), else the URL's last path segment. */
export function repoName(remote: string | null): string | null {
  if (!remote) return null;
  const m = /[:/]([^/:]+\/[^/]+?)(?:\.git)?\/?$/.exec(remote.trim());
  return m ? (m[1] as string) : remote.trim() || null;
}
