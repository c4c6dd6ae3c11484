/**
 * Session context on ClickHouse. There is no cheap UPDATE, so the events of a session are written
 * again with the context applied and a newer `_version`, and ReplacingMergeTree keeps that version
 * (FINAL shows it at once). The version is the server's clock in µs: a later application, which has
 * seen every context stored before it, wins; a raw event replayed later (version 0) never does.
 * The SQL is DuckDB's `applyContextSql` as an INSERT … SELECT with an ASOF LEFT JOIN.
 */
import { TABLES } from '../schema.js';

const APPLIED = new Set(['git_branch', 'repo', 'feature', 'chapter']);

const attr = (key: string): string =>
  `if(JSONHas(e.attributes, '${key}'), JSONExtractString(e.attributes, '${key}'), if(JSONHas(e.resource, '${key}'), JSONExtractString(e.resource, '${key}'), NULL))`;

const VALUE: Record<string, string> = {
  git_branch: 'coalesce(coalesce(a.branch, f.branch), e.git_branch)',
  repo: 'coalesce(coalesce(a.repo, f.repo), e.repo)',
  // An explicit feature / chapter attribute (OTEL_RESOURCE_ATTRIBUTES) still wins.
  feature: `coalesce(${attr('feature')}, coalesce(a.feature, f.feature), e.feature)`,
  chapter: `coalesce(${attr('chapter')}, coalesce(a.chapter, f.chapter), e.chapter)`,
};

/**
 * Rewrites the events of sessions `{sessions:Array(String)}` whose time is within
 * [`{from:String}`, `{to:String}`] (the whole session when `window` is false) with their context.
 */
export function applyContextSql(window: boolean): string {
  const cols = TABLES.events.map((c) => c.name);
  const select = cols.map((c) => (APPLIED.has(c) ? `${VALUE[c]} AS \`${c}\`` : `e.\`${c}\``)).join(', ');
  const range = window
    ? "AND ts >= toDateTime64({from:String}, 6, 'UTC') AND ts <= toDateTime64({to:String}, 6, 'UTC')"
    : '';
  return `INSERT INTO events (${cols.map((c) => `\`${c}\``).join(', ')}, _version)
SELECT ${select}, toUInt64(toUnixTimestamp64Micro(now64(6)))
FROM (SELECT * FROM events WHERE has({sessions:Array(String)}, session_id) ${range}) AS e
ASOF LEFT JOIN (SELECT * FROM session_context WHERE has({sessions:Array(String)}, session_id)) AS a
  ON e.session_id = a.session_id AND e.ts >= a.ts
LEFT JOIN (
  SELECT session_id, argMin(branch, ts) AS branch, argMin(repo, ts) AS repo,
         argMin(feature, ts) AS feature, argMin(chapter, ts) AS chapter
  FROM session_context WHERE has({sessions:Array(String)}, session_id) GROUP BY session_id
) AS f ON f.session_id = e.session_id`;
}
