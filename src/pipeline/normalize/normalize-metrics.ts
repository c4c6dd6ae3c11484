/**
 * normalize (metrics): one data point → one `metric_points` row. Temporality is stored as given:
 * Claude Code sends DELTA sums by default, CUMULATIVE on request; the `metric_increments` view turns
 * both into per-point increments so sums are right either way. A point is keyed by (series, start, time).
 */
import type { DecodedMetrics, Temporality } from '../../model/otlp.js';
import type { MetricPointRow } from '../../model/records.js';
import { DEFAULT_INPUT_LIMITS } from '../sanitize/input-limits.js';
import { SanitizeTally } from '../sanitize/sanitize-tally.js';
import { toInt, toStr } from './coerce.js';
import { contentKey, memberOf } from './identity.js';
import { normalizeContext, type NormalizeContext } from './time-bounds.js';

const TEMPORALITY_NAMES: Record<Temporality, string> = { 0: 'unspecified', 1: 'delta', 2: 'cumulative' };

export function normalizeMetrics(
  batch: DecodedMetrics,
  tokenMember: string | null,
  cx: NormalizeContext = normalizeContext(Date.now(), DEFAULT_INPUT_LIMITS, new SanitizeTally()),
): MetricPointRow[] {
  const rows: MetricPointRow[] = [];
  for (const { resource, scopes } of batch.resources) {
    const resourceJson = JSON.stringify(resource);
    for (const { metrics } of scopes) {
      for (const m of metrics) {
        for (const p of m.points) {
          const attrsJson = JSON.stringify(p.attributes);
          const { start, ts } = cx.times.point(p.startTimeUnixNano, p.timeUnixNano);
          const seriesKey = contentKey(m.name, m.unit, m.kind, resourceJson, attrsJson);
          rows.push({
            key: contentKey(seriesKey, p.startTimeUnixNano, p.timeUnixNano),
            series_key: seriesKey,
            name: m.name,
            unit: m.unit,
            kind: m.kind,
            temporality: TEMPORALITY_NAMES[m.temporality],
            is_monotonic: m.isMonotonic,
            start_ts: start,
            ts,
            value: p.value !== null && Number.isFinite(p.value) ? p.value : null,
            count: p.count === null ? null : toInt(p.count, cx.tally),
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
