import { describe, expect, it } from 'vitest';
import type { Signal } from '../../model/otlp.js';
import { checkRecordCount, countRecords, TooManyRecordsError } from './record-limit.js';

const n = (k: number): object[] => Array.from({ length: k }, () => ({}));

describe('countRecords', () => {
  it.each([
    [
      'logs',
      { resourceLogs: [{ scopeLogs: [{ logRecords: n(2) }, { logRecords: n(3) }] }, { scopeLogs: [] }] },
      5,
    ],
    ['traces', { resourceSpans: [{ scopeSpans: [{ spans: n(4) }] }, { scopeSpans: [{ spans: n(1) }] }] }, 5],
    [
      'metrics',
      {
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [{ sum: { dataPoints: n(2) } }, { histogram: { dataPoints: n(3) } }, { gauge: {} }],
              },
            ],
          },
        ],
      },
      5,
    ],
    ['logs', { resourceLogs: 'nope' }, 0],
    ['logs', { resourceLogs: [null, 5, { scopeLogs: [{ logRecords: 'x' }] }] }, 0],
    ['metrics', { resourceMetrics: [{ scopeMetrics: [{ metrics: [null, { sum: null }] }] }] }, 0],
  ] as const)('%s %j → %i', (signal, req, expected) => {
    expect(countRecords(signal as Signal, req)).toBe(expected);
  });
});

describe('checkRecordCount', () => {
  const logs = { resourceLogs: [{ scopeLogs: [{ logRecords: n(3) }] }] };

  it('lets a request at the limit through', () => {
    expect(() => checkRecordCount('logs', logs, 3)).not.toThrow();
  });

  it('refuses one past it, naming the count, the limit and its config key', () => {
    expect(() => checkRecordCount('logs', logs, 2)).toThrow(TooManyRecordsError);
    expect(() => checkRecordCount('logs', logs, 2)).toThrow(
      'the request holds 3 log records, more than the limit of 2 (limits.maxRecordsPerRequest)',
    );
  });
});
