/** normalize (traces): one span → one `spans` row, keyed by (trace id, span id). */
import type { DecodedTraces } from '../../model/otlp.js';
import type { SpanRow } from '../../model/records.js';
import { DEFAULT_INPUT_LIMITS } from '../sanitize/input-limits.js';
import { SanitizeTally } from '../sanitize/sanitize-tally.js';
import { nanosToMicros, toStr } from './coerce.js';
import { memberOf } from './identity.js';
import { normalizeContext, type NormalizeContext } from './time-bounds.js';

export function normalizeSpans(
  batch: DecodedTraces,
  tokenMember: string | null,
  cx: NormalizeContext = normalizeContext(Date.now(), DEFAULT_INPUT_LIMITS, new SanitizeTally()),
): SpanRow[] {
  const rows: SpanRow[] = [];
  for (const { resource, scopes } of batch.resources) {
    const resourceJson = JSON.stringify(resource);
    for (const { spans } of scopes) {
      for (const s of spans) {
        const { start, end } = cx.times.span(s.startTimeUnixNano, s.endTimeUnixNano);
        rows.push({
          key: s.traceId + s.spanId,
          trace_id: s.traceId,
          span_id: s.spanId,
          parent_span_id: s.parentSpanId || null,
          name: s.name,
          kind: s.kind,
          start_ts: start,
          end_ts: end,
          duration_ms: (end - start) / 1000,
          status_code: s.statusCode,
          status_message: s.statusMessage || null,
          session_id: toStr(s.attributes['session.id']) ?? toStr(s.attributes['gen_ai.conversation.id']),
          member: memberOf(tokenMember, resource, s.attributes),
          attributes: JSON.stringify(s.attributes),
          events: JSON.stringify(
            s.events.map((e) => ({
              time_us: nanosToMicros(e.timeUnixNano),
              name: e.name,
              attributes: e.attributes,
            })),
          ),
          resource: resourceJson,
        });
      }
    }
  }
  return rows;
}
