/**
 * DDL for the error-analysis state (src/analysis): review queues and their items, annotations
 * (verdicts and notes), patterns, note ↔ pattern links, session labels, changes and measurement
 * snapshots. Every table is append-only: an edit is a new row and the latest row per key wins
 * (`revised_at`), so ClickHouse can hold the same tables as ReplacingMergeTree / MergeTree without
 * UPDATE. Times are naive UTC; JSON is text. Columns added after the first release are added with
 * ALTER … ADD COLUMN IF NOT EXISTS (with the default older rows read as), as ClickHouse's migration 5 does.
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
];
