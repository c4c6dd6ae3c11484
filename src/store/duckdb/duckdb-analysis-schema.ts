/**
 * DDL for the error-analysis state (src/analysis): review queues and their items, annotations
 * (verdicts and notes), patterns, note ↔ pattern links, session labels, changes and measurement
 * snapshots. Every table is append-only: an edit is a new row and the latest row per key wins
 * (`revised_at`), so ClickHouse can hold the same tables as ReplacingMergeTree / MergeTree without
 * UPDATE. Times are naive UTC; JSON is text. Columns added after the first release are added with
 * ALTER … ADD COLUMN IF NOT EXISTS (with the default older rows read as), as ClickHouse's migration 5 does.
 *
 * `session_signals` holds each session's signal counts and summary, recomputable at any time from the
 * events (src/analysis/signals/signal-table.ts); `session_changes` is the latest time (ms) each
 * session's events changed, upserted by the store's own writes in the same transaction (a session id
 * of `*` means every session: retention deleted or cleared events).
 */
export const ANALYSIS_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS review_queues (id VARCHAR NOT NULL, name VARCHAR NOT NULL, spec VARCHAR NOT NULL,
    created_by VARCHAR, created_at TIMESTAMP NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS review_items (queue_id VARCHAR NOT NULL, session_id VARCHAR NOT NULL,
    position BIGINT NOT NULL, reason VARCHAR NOT NULL, stratum VARCHAR, inclusion_prob DOUBLE NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS annotations (id VARCHAR NOT NULL, queue_id VARCHAR, session_id VARCHAR NOT NULL,
    author VARCHAR NOT NULL, verdict VARCHAR, first_event VARCHAR, body VARCHAR, evidence VARCHAR,
    source VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, seq BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS pattern_revisions (pattern_id VARCHAR NOT NULL, slug VARCHAR NOT NULL,
    name VARCHAR NOT NULL, definition VARCHAR, status VARCHAR NOT NULL, merged_into VARCHAR,
    recommendation VARCHAR, reason VARCHAR, revised_by VARCHAR, revised_at TIMESTAMP NOT NULL, seq BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS note_patterns (annotation_id VARCHAR NOT NULL, pattern_id VARCHAR NOT NULL,
    linked BOOLEAN NOT NULL, linked_by VARCHAR, linked_at TIMESTAMP NOT NULL, seq BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS session_labels (queue_id VARCHAR NOT NULL, session_id VARCHAR NOT NULL,
    pattern_id VARCHAR NOT NULL, present BOOLEAN NOT NULL, author VARCHAR, labeled_at TIMESTAMP NOT NULL,
    seq BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS changes (id VARCHAR NOT NULL, spec VARCHAR NOT NULL, revised_by VARCHAR,
    revised_at TIMESTAMP NOT NULL, seq BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS measurements (id VARCHAR NOT NULL, change_id VARCHAR NOT NULL,
    verdict VARCHAR NOT NULL, snapshot VARCHAR NOT NULL, computed_by VARCHAR, computed_at TIMESTAMP NOT NULL,
    seq BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS review_reservations (queue_id VARCHAR NOT NULL, session_id VARCHAR NOT NULL,
    reviewer VARCHAR NOT NULL, actor VARCHAR NOT NULL, reserved_at TIMESTAMP NOT NULL,
    reserved_until TIMESTAMP NOT NULL, seq BIGINT NOT NULL)`,
  `ALTER TABLE note_patterns ADD COLUMN IF NOT EXISTS source VARCHAR DEFAULT 'human'`,
  `ALTER TABLE note_patterns ADD COLUMN IF NOT EXISTS confirmed BOOLEAN DEFAULT true`,
  `ALTER TABLE pattern_revisions ADD COLUMN IF NOT EXISTS detector VARCHAR`,
  `CREATE TABLE IF NOT EXISTS session_signals (session_id VARCHAR NOT NULL, detectors VARCHAR NOT NULL,
    computed_at BIGINT NOT NULL, seq BIGINT NOT NULL, start_ts TIMESTAMP, end_ts TIMESTAMP, member VARCHAR,
    chapter VARCHAR, feature VARCHAR, cc_version VARCHAR, model VARCHAR, prompts BIGINT, cost_usd DOUBLE,
    validation_failures BIGINT, validation_reruns BIGINT, tool_retry_loop BIGINT, edit_failures BIGINT,
    api_errors BIGINT, api_retries_exhausted BIGINT, user_rejections BIGINT, compactions BIGINT)`,
  'CREATE TABLE IF NOT EXISTS session_changes (session_id VARCHAR PRIMARY KEY, changed_at BIGINT NOT NULL)',
];

/**
 * Marks the sessions of the events `from` (a table or subquery with `session_id`) as changed at
 * `$<param>` (ms), within the caller's transaction.
 */
export const markSessionsSql = (from: string, param: number): string =>
  `INSERT INTO session_changes (session_id, changed_at)
    SELECT DISTINCT session_id, $${param} FROM ${from} WHERE session_id IS NOT NULL
    ON CONFLICT (session_id) DO UPDATE SET changed_at = greatest(session_changes.changed_at, excluded.changed_at)`;

/** Marks every session as changed (retention deleted or cleared events). */
export const markAllSessionsSql = (param: number): string =>
  markSessionsSql(`(SELECT '*' AS session_id)`, param);
