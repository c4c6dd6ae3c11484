/**
 * The error-analysis tables on ClickHouse, the same columns as on DuckDB (duckdb-analysis-schema.ts).
 * The analysis code only appends and lets the latest row per key win in TypeScript (`ORDER BY seq`,
 * a clock-based number from `nextSeq`, no sequence object), so plain MergeTree is enough: no row is
 * ever a copy of another to collapse. The tables are small (what people review and note), sorted
 * for the lookups the code makes and not partitioned: retention never deletes them.
 */
import { onCluster, tableDdl, type Layout } from './clickhouse-schema.js';

const TS = "DateTime64(6, 'UTC')";
const TEXT = 'Nullable(String)';

interface AnalysisTable {
  name: string;
  columns: string;
  orderBy: string;
  shardBy: string;
}

const TABLES: readonly AnalysisTable[] = [
  {
    name: 'review_queues',
    columns: `id String, name String, spec String CODEC(ZSTD(3)), created_by ${TEXT}, created_at ${TS}`,
    orderBy: 'name, created_at, id',
    shardBy: 'cityHash64(id)',
  },
  {
    name: 'review_items',
    columns: `queue_id String, session_id String, position Int64, reason LowCardinality(String),
      stratum LowCardinality(${TEXT}), inclusion_prob Float64`,
    orderBy: 'queue_id, position',
    shardBy: 'cityHash64(queue_id)',
  },
  {
    name: 'annotations',
    columns: `id String, queue_id ${TEXT}, session_id String, author String, verdict LowCardinality(${TEXT}),
      first_event ${TEXT}, body ${TEXT}, evidence ${TEXT}, source LowCardinality(String), created_at ${TS},
      seq Int64`,
    orderBy: 'session_id, seq',
    shardBy: 'cityHash64(session_id)',
  },
  {
    name: 'pattern_revisions',
    columns: `pattern_id String, slug String, name String, definition ${TEXT}, status LowCardinality(String),
      merged_into ${TEXT}, recommendation ${TEXT}, reason ${TEXT}, revised_by ${TEXT}, revised_at ${TS},
      seq Int64, detector ${TEXT}`,
    orderBy: 'pattern_id, seq',
    shardBy: 'cityHash64(pattern_id)',
  },
  {
    name: 'note_patterns',
    columns: `annotation_id String, pattern_id String, linked Bool, linked_by ${TEXT}, linked_at ${TS},
      seq Int64, source LowCardinality(String) DEFAULT 'human', confirmed Bool DEFAULT true`,
    orderBy: 'annotation_id, pattern_id, seq',
    shardBy: 'cityHash64(annotation_id)',
  },
  {
    name: 'session_labels',
    columns: `queue_id String, session_id String, pattern_id String, present Bool, author ${TEXT},
      labeled_at ${TS}, seq Int64`,
    orderBy: 'queue_id, session_id, pattern_id, seq',
    shardBy: 'cityHash64(session_id)',
  },
  {
    name: 'changes',
    columns: `id String, spec String CODEC(ZSTD(3)), revised_by ${TEXT}, revised_at ${TS}, seq Int64`,
    orderBy: 'id, seq',
    shardBy: 'cityHash64(id)',
  },
  {
    name: 'measurements',
    columns: `id String, change_id String, verdict LowCardinality(String), snapshot String CODEC(ZSTD(3)),
      computed_by ${TEXT}, computed_at ${TS}, seq Int64`,
    orderBy: 'change_id, seq',
    shardBy: 'cityHash64(change_id)',
  },
];

const table = (l: Layout, t: AnalysisTable): string[] =>
  tableDdl(l, t.name, t.columns, `ORDER BY (${t.orderBy})`, t.shardBy, { family: 'MergeTree' });

/**
 * Migration 6: each session's stored signal counts and summary (recomputable; a ReplacingMergeTree
 * keyed by session and detectors, so only the latest `seq` stays) and the latest time each session's
 * events changed. `session_changes` is a
 * ReplacingMergeTree keyed by session: the writes append a row per session and batch, merges keep the
 * latest (readers take max(changed_at), so no FINAL is needed).
 */
export function sessionSignalsDdl(l: Layout): string[] {
  const n = (t: string): string => `Nullable(${t})`;
  const counts = [
    'validation_failures',
    'validation_reruns',
    'tool_retry_loop',
    'edit_failures',
    'api_errors',
    'api_retries_exhausted',
    'user_rejections',
    'compactions',
  ].map((c) => `${c} ${n('Int64')}`);
  return [
    ...tableDdl(
      l,
      'session_signals',
      [
        'session_id String, detectors String, computed_at Int64, seq Int64',
        `start_ts ${n(TS)}, end_ts ${n(TS)}, member ${TEXT}, chapter ${TEXT}, feature ${TEXT}`,
        `cc_version ${TEXT}, model ${TEXT}, prompts ${n('Int64')}, cost_usd ${n('Float64')}`,
        ...counts,
      ].join(', '),
      'ORDER BY (session_id, detectors)',
      'cityHash64(session_id)',
      { family: 'ReplacingMergeTree', version: 'seq' },
    ),
    ...tableDdl(
      l,
      'session_changes',
      'session_id String, changed_at Int64',
      'ORDER BY session_id',
      'cityHash64(session_id)',
      { family: 'ReplacingMergeTree', version: 'changed_at' },
    ),
  ];
}

export function analysisDdl(l: Layout): string[] {
  return TABLES.flatMap((t) => table(l, t));
}

/** Columns added after migration 4: older rows read the default (a link made by a person, confirmed). */
const ADDED: readonly { table: string; column: string }[] = [
  { table: 'note_patterns', column: `source LowCardinality(String) DEFAULT 'human'` },
  { table: 'note_patterns', column: 'confirmed Bool DEFAULT true' },
  { table: 'pattern_revisions', column: `detector ${TEXT}` },
];

/**
 * Migration 5: review reservations (who holds which queue item until when; append-only, the fold is
 * in review-reservations.ts), LLM-proposed links (`source`, `confirmed`) and a pattern's detector.
 */
export function reservationsDdl(l: Layout): string[] {
  const reservations: AnalysisTable = {
    name: 'review_reservations',
    columns: `queue_id String, session_id String, reviewer String, actor String, reserved_at ${TS},
      reserved_until ${TS}, seq Int64`,
    orderBy: 'queue_id, session_id, seq',
    shardBy: 'cityHash64(queue_id)',
  };
  const alters = ADDED.flatMap(({ table: t, column }) =>
    (l.cluster ? [`${t}_local`, t] : [t]).map(
      (n) => `ALTER TABLE \`${l.database}\`.${n}${onCluster(l)} ADD COLUMN IF NOT EXISTS ${column}`,
    ),
  );
  return [...table(l, reservations), ...alters];
}
