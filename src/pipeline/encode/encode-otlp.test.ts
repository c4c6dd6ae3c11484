import { describe, expect, it } from 'vitest';
import { capture } from '../../../test/fixtures/captures.js';
import type { Signal } from '../../model/otlp.js';
import { decodeOtlp, type Encoding } from '../decode/decode-otlp.js';
import { encodeOtlp, recordCount } from './encode-otlp.js';

const CASES: [string, Signal, Encoding][] = [
  ['http-json/logs-1.json', 'logs', 'json'],
  ['http-json/metrics.json', 'metrics', 'json'],
  ['http-json/traces.json', 'traces', 'json'],
  ['protobuf-default/logs-1.bin', 'logs', 'protobuf'],
  ['protobuf-default/metrics.bin', 'metrics', 'protobuf'],
  ['protobuf-default/traces.bin', 'traces', 'protobuf'],
  ['api-error/logs-1.json', 'logs', 'json'],
  ['grpc/logs.bin', 'logs', 'protobuf'],
];

describe('encodeOtlp', () => {
  it.each(CASES)('%s decodes to the same batch after encoding', (file, signal, encoding) => {
    const first = decodeOtlp(signal, encoding, capture(file)).batch;
    const again = decodeOtlp(signal, 'protobuf', encodeOtlp(first)).batch;
    expect(again).toEqual(first);
    expect(recordCount(again)).toBeGreaterThan(0);
  });

  it('keeps value types that survive the model: big ints, nested maps, arrays, histograms', () => {
    const body = Buffer.from(
      JSON.stringify({
        resourceMetrics: [
          {
            resource: { attributes: [{ key: 'big', value: { intValue: '9223372036854775807' } }] },
            scopeMetrics: [
              {
                scope: { name: 's', version: '1' },
                metrics: [
                  {
                    name: 'h',
                    unit: 'ms',
                    histogram: {
                      aggregationTemporality: 1,
                      dataPoints: [
                        {
                          attributes: [
                            {
                              key: 'm',
                              value: { kvlistValue: { values: [{ key: 'a', value: { doubleValue: 1.5 } }] } },
                            },
                            {
                              key: 'l',
                              value: { arrayValue: { values: [{ stringValue: 'x' }, { boolValue: true }] } },
                            },
                          ],
                          startTimeUnixNano: '1',
                          timeUnixNano: '2',
                          count: '3',
                          sum: 4.5,
                          bucketCounts: ['1', '2'],
                          explicitBounds: [10],
                          min: 1,
                          max: 3,
                        },
                      ],
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    const first = decodeOtlp('metrics', 'json', body).batch;
    expect(decodeOtlp('metrics', 'protobuf', encodeOtlp(first)).batch).toEqual(first);
  });
});
