/**
 * normalize (metrics): one data point → one `metric_points` row. Temporality is stored as given:
 * Claude Code sends DELTA sums by default, CUMULATIVE on request; the `metric_increments` view turns
 * both into per-point increments so sums are right either way. A point is keyed by (series, start, time).
 */
import type { DecodedMetrics, Temporality } from '../../model/otlp.js';
import type { MetricPointRow } from '../../model/records.js';
import { nanosToMicros, toStr } from './coerce.js';
import { contentKey, memberOf } from './identity.js';

const TEMPORALITY_NAMES: Record<Temporality, string> = { 0: 'unspecified', 1: 'delta', 2: 'cumulative' };

export function normalizeMetrics(batch: DecodedMetrics, tokenMember: string | null): MetricPointRow[] {
  const rows: MetricPointRow[] = [];
  for (const { resource, scopes } of batch.resources) {
    const resourceJson = JSON.stringify(resource);
    for (const { metrics } of scopes) {
      for (const m of metrics) {
        for (const p of m.points) {
          const attrsJson = JSON.stringify(p.attributes);
          const seriesKey = contentKey(m.name, m.unit, m.kind, resourceJson, attrsJson);
          rows.push({
            key: contentKey(seriesKey, p.startTimeUnixNano, p.timeUnixNano),
            series_key: seriesKey,
            name: m.name,
            unit: m.unit,
            kind: m.kind,
            temporality: TEMPORALITY_NAMES[m.temporality],
            is_monotonic: m.isMonotonic,
            start_ts: p.startTimeUnixNano === '0' ? null : nanosToMicros(p.startTimeUnixNano),
            ts: nanosToMicros(p.timeUnixNano),
            value: p.value,
            count: p.count,
            session_id: toStr(p.attributes['session.id']),
            member: memberOf(tokenMember, resource, p.attributes),
            model: toStr(p.attributes['model']),
            type: toStr(p.attributes['type']),
            attributes: attrsJson,
            resource: resourceJson,
            detail: p.detail === null ? null : JSON.stringify(p.detail),
          });
        }
      }
    }
  }
  return rows;
}
