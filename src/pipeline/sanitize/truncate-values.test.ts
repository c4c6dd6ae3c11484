import { describe, expect, it } from 'vitest';
import type { DecodedLogs, DecodedTraces } from '../../model/otlp.js';
import { SanitizeTally } from './sanitize-tally.js';
import { truncateUtf8, truncateValues } from './truncate-values.js';

describe('truncateUtf8', () => {
  it.each([
    ['short', 'abc', 5, 'abc'],
    ['exactly the limit', 'abcde', 5, 'abcde'],
    ['ASCII cut', 'abcdef', 5, 'abcde'],
    ['never inside a 2-byte character', 'aé', 2, 'a'],
    ['a whole 2-byte character', 'aé', 3, 'aé'],
    ['never inside a 3-byte character', 'ab✓', 4, 'ab'],
    ['never inside a 4-byte character (surrogate pair)', 'a😀', 4, 'a'],
    ['a whole 4-byte character', 'a😀b', 5, 'a😀'],
    ['zero bytes', 'abc', 0, ''],
  ])('%s', (_name, s, max, expected) => {
    const cut = truncateUtf8(s, max);
    expect(cut).toBe(expected);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(max);
  });
});

describe('truncateValues', () => {
  it('cuts every long string of a logs batch (resource, attributes at any depth, body) and counts each', () => {
    const long = 'x'.repeat(20);
    const batch: DecodedLogs = {
      signal: 'logs',
      resources: [
        {
          resource: { 'service.name': long },
          scopes: [
            {
              scope: { name: long, version: '' },
              records: [
                {
                  timeUnixNano: '1',
                  observedTimeUnixNano: '1',
                  severityNumber: 0,
                  severityText: '',
                  body: long,
                  attributes: { short: 'ok', n: 5, list: [long, 'ok'], map: { deep: long } },
                  traceId: '',
                  spanId: '',
                  eventName: '',
                },
              ],
            },
          ],
        },
      ],
    };
    const tally = new SanitizeTally();
    truncateValues(batch, 8, tally);
    const res = batch.resources[0];
    expect(res?.resource).toEqual({ 'service.name': 'xxxxxxxx' });
    expect(res?.scopes[0]?.records[0]).toMatchObject({
      body: 'xxxxxxxx',
      attributes: { short: 'ok', n: 5, list: ['xxxxxxxx', 'ok'], map: { deep: 'xxxxxxxx' } },
    });
    expect(tally.counts).toEqual({ value_truncated: 4 });
  });

  it('cuts span, span event and link attributes', () => {
    const long = 'y'.repeat(20);
    const batch: DecodedTraces = {
      signal: 'traces',
      resources: [
        {
          resource: {},
          scopes: [
            {
              scope: { name: '', version: '' },
              spans: [
                {
                  traceId: 'a',
                  spanId: 'b',
                  parentSpanId: '',
                  name: 'n',
                  kind: 0,
                  startTimeUnixNano: '1',
                  endTimeUnixNano: '2',
                  attributes: { a: long },
                  events: [{ timeUnixNano: '1', name: 'e', attributes: { b: long } }],
                  links: [{ traceId: 'c', spanId: 'd', attributes: { c: long } }],
                  statusCode: 0,
                  statusMessage: '',
                },
              ],
            },
          ],
        },
      ],
    };
    const tally = new SanitizeTally();
    truncateValues(batch, 4, tally);
    const span = batch.resources[0]?.scopes[0]?.spans[0];
    expect([span?.attributes, span?.events[0]?.attributes, span?.links[0]?.attributes]).toEqual([
      { a: 'yyyy' },
      { b: 'yyyy' },
      { c: 'yyyy' },
    ]);
    expect(tally.counts).toEqual({ value_truncated: 3 });
  });
});
