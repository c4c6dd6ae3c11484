import { describe, expect, it } from 'vitest';
import { compileAttribution, DEFAULT_ATTRIBUTION_PATTERNS } from './enrich-attribution.js';
import { DEFAULT_PATH_PATTERNS, deriveContext, repoName } from './derive-context.js';

const rules = {
  ...compileAttribution(DEFAULT_ATTRIBUTION_PATTERNS),
  featurePathPattern: new RegExp(DEFAULT_PATH_PATTERNS.featurePathPattern),
  chapterPathPattern: new RegExp(DEFAULT_PATH_PATTERNS.chapterPathPattern, 'i'),
};

describe('deriveContext', () => {
  it.each([
    ['017-usage-data-collection', '/home/a/book/chapters/03-intro', '017', '3'],
    ['feature/021-export', '/home/a/book', '021', null],
    ['main', '/home/a/book/specs/033-telemetry/tasks', '033', null],
    ['ch07-review', '/home/a/book', null, '7'],
    ['chapter-12', null, null, '12'],
    ['main', '/srv/book/chapter/9', null, '9'],
    ['main', '/home/a/book', null, null],
    [null, null, null, null],
  ] as const)('branch %j in %j → feature %j, chapter %j', (branch, cwd, feature, chapter) => {
    expect(deriveContext(rules, branch, cwd)).toEqual({ feature, chapter });
  });

  it('prefers the branch over the path', () => {
    expect(deriveContext(rules, '018-x-ch02', '/b/specs/017-y/chapters/05')).toEqual({
      feature: '018',
      chapter: '2',
    });
  });
});

describe('repoName', () => {
  it.each([
    ['https://github.com/example-org/example-repo.git', 'example-org/example-repo'],
    ['git@github.com:example-org/example-repo.git', 'example-org/example-repo'],
    ['ssh://git@gitlab.example.com/team/book', 'team/book'],
    [null, null],
  ] as const)('%j → %j', (remote, name) => expect(repoName(remote)).toBe(name));
});
