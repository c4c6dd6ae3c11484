/**
 * ClickHouse SQL that finds and clears content (src/store/content-fields.ts), as assignments for
 * `ALTER TABLE … UPDATE`. ClickHouse has no JSON merge patch for text, so an object is rebuilt from
 * its raw members (JSONExtractKeysAndValuesRaw keeps each value's text) without the content keys and
 * with `unsilo.content_cleared` appended, as DuckDB's merge patch leaves it; a cleared row holds no
 * content key, so it is not found again.
 */
import {
  CONTENT_ATTRIBUTES,
  CONTENT_CLEARED,
  CONTENT_ERROR_EVENTS,
  CONTENT_EVENT_COLUMNS,
  CONTENT_SPAN_EVENTS,
} from '../content-fields.js';

const text = (s: string): string => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
const list = (items: readonly string[]): string => `[${items.map(text).join(', ')}]`;
const keys = (json: string): string => `JSONExtractKeys(${json})`;

/** Object `json` without the members `drop`, then `append` (a member's text, `"k":v`). */
const without = (json: string, drop: readonly string[], append: string): string =>
  `concat('{', arrayStringConcat(arrayConcat(
    arrayMap(kv -> concat(toJSONString(kv.1), ':', kv.2),
      arrayFilter(kv -> NOT has(${list(drop)}, kv.1), JSONExtractKeysAndValuesRaw(${json}))),
    [${text(append)}]), ','), '}')`;

const MARKER = `${JSON.stringify(CONTENT_CLEARED)}:true`;
const EVENT_KEYS = [...CONTENT_ATTRIBUTES.events, CONTENT_CLEARED];
const ERROR_EVENTS = `event_name IN (${CONTENT_ERROR_EVENTS.map(text).join(', ')})`;
const IS_SPAN_EVENT = (e: string): string =>
  `JSONExtractString(${e}, 'name') IN (${CONTENT_SPAN_EVENTS.map(text).join(', ')})`;

/** Per table: the condition "this row still holds content" and the UPDATE assignments that clear it. */
export const CONTENT_SQL_CH = {
  events: {
    has: `(${CONTENT_EVENT_COLUMNS.map((c) => `${c} IS NOT NULL`).join(' OR ')}
      OR hasAny(${keys('attributes')}, ${list(CONTENT_ATTRIBUTES.events)})
      OR (${ERROR_EVENTS} AND (error IS NOT NULL OR has(${keys('attributes')}, 'error'))))`,
    set: `${CONTENT_EVENT_COLUMNS.map((c) => `${c} = NULL`).join(', ')},
      error = if(${ERROR_EVENTS}, NULL, error),
      attributes = if(${ERROR_EVENTS}, ${without('attributes', [...EVENT_KEYS, 'error'], MARKER)},
        ${without('attributes', EVENT_KEYS, MARKER)})`,
  },
  spans: {
    has: `(hasAny(${keys('attributes')}, ${list(CONTENT_ATTRIBUTES.spans)})
      OR (arrayExists(e -> ${IS_SPAN_EVENT('e')}, JSONExtractArrayRaw(events))
        AND NOT has(${keys('attributes')}, ${text(CONTENT_CLEARED)})))`,
    set: `attributes = ${without('attributes', [...CONTENT_ATTRIBUTES.spans, CONTENT_CLEARED], MARKER)},
      events = concat('[', arrayStringConcat(arrayMap(e -> if(${IS_SPAN_EVENT('e')},
        ${without('e', ['attributes'], `"attributes":{${MARKER}}`)}, e), JSONExtractArrayRaw(events)), ','), ']')`,
  },
} as const;
