/**
 * DuckDB SQL that finds and clears content (src/store/content-fields.ts). Attribute keys are removed
 * with a JSON merge patch that also sets `unsilo.content_cleared`; a cleared row holds no content key,
 * so it is not found again (spans: their tool.output events are found only while the marker is absent).
 */
import {
  CONTENT_ATTRIBUTES,
  CONTENT_CLEARED,
  CONTENT_ERROR_EVENTS,
  CONTENT_EVENT_COLUMNS,
  CONTENT_SPAN_EVENTS,
} from '../content-fields.js';

const text = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const list = (items: readonly string[]): string => `[${items.map(text).join(', ')}]`;
/** A merge patch that removes `keys` and sets the marker. */
const patch = (keys: readonly string[]): string =>
  text(JSON.stringify({ ...Object.fromEntries(keys.map((k) => [k, null])), [CONTENT_CLEARED]: true }));

const EVENT_KEYS = CONTENT_ATTRIBUTES.events;
const ERROR_EVENTS = `event_name IN (${CONTENT_ERROR_EVENTS.map(text).join(', ')})`;
const SPAN_EVENT_HAS = CONTENT_SPAN_EVENTS.map(
  (name) => `json_contains(events, ${text(JSON.stringify({ name }))})`,
).join(' OR ');

/** Per table: the condition "this row still holds content" and the SET clause that clears it. */
export const CONTENT_SQL = {
  events: {
    has: `(${CONTENT_EVENT_COLUMNS.map((c) => `${c} IS NOT NULL`).join(' OR ')}
      OR list_has_any(json_keys(attributes), ${list(EVENT_KEYS)})
      OR (${ERROR_EVENTS} AND (error IS NOT NULL OR list_has(json_keys(attributes), 'error'))))`,
    set: `${CONTENT_EVENT_COLUMNS.map((c) => `${c} = NULL`).join(', ')},
      error = CASE WHEN ${ERROR_EVENTS} THEN NULL ELSE error END,
      attributes = json_merge_patch(attributes,
        CASE WHEN ${ERROR_EVENTS} THEN ${patch([...EVENT_KEYS, 'error'])} ELSE ${patch(EVENT_KEYS)} END)`,
  },
  spans: {
    has: `(list_has_any(json_keys(attributes), ${list(CONTENT_ATTRIBUTES.spans)})
      OR ((${SPAN_EVENT_HAS}) AND NOT list_has(json_keys(attributes), ${text(CONTENT_CLEARED)})))`,
    set: `attributes = json_merge_patch(attributes, ${patch(CONTENT_ATTRIBUTES.spans)}),
      events = to_json(list_transform(CAST(events AS JSON[]), e -> CASE
        WHEN e->>'name' IN (${CONTENT_SPAN_EVENTS.map(text).join(', ')})
        THEN json_merge_patch(json_merge_patch(e, '{"attributes":null}'), ${text(JSON.stringify({ attributes: { [CONTENT_CLEARED]: true } }))})
        ELSE e END))`,
  },
} as const;
