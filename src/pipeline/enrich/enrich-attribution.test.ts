import { describe, expect, it } from 'vitest';
import { eventRow } from '../../../test/fixtures/rows.js';
import { compileAttribution, DEFAULT_ATTRIBUTION_PATTERNS, enrichAttribution } from './enrich-attribution.js';

const defaults = compileAttribution(DEFAULT_ATTRIBUTION_PATTERNS);

describe('enrichAttribution with the default patterns', () => {
  it.each([
    ['017-usage-data-collection', '017', null],
    ['feature/017-usage-data-collection', '017', null],
    ['ch07-intro', null, '7'],
    ['017-ch12-telemetry', '017', '12'],
    ['docs/Chapter-3-draft', null, '3'],
    ['main', null, null],
    [null, null, null],
  ] as const)('branch %j → feature %j, chapter %j', (branch, feature, chapter) => {
    const [row] = enrichAttribution([eventRow({ git_branch: branch })], defaults);
    expect([row?.feature, row?.chapter]).toEqual([feature, chapter]);
  });

  it('prefers explicit feature and chapter attributes (record, then resource) over the branch', () => {
    const [fromRecord, fromResource] = enrichAttribution(
      [
        eventRow({ git_branch: '017-x', attributes: JSON.stringify({ feature: 'billing', chapter: 9 }) }),
        eventRow({ git_branch: 'ch02', resource: JSON.stringify({ chapter: '11' }) }),
      ],
      defaults,
    );
    expect([fromRecord?.feature, fromRecord?.chapter]).toEqual(['billing', '9']);
    expect([fromResource?.feature, fromResource?.chapter]).toEqual([null, '11']);
  });

  it('uses configured patterns', () => {
    const custom = compileAttribution({ featurePattern: '^feat-(\\w+)', chapterPattern: 'part(\\d)' });
    const [row] = enrichAttribution([eventRow({ git_branch: 'feat-export-part4' })], custom);
    expect([row?.feature, row?.chapter]).toEqual(['export', '4']);
  });
});
