/** The layout of the data directory. */
export const DB_FILE = 'unsilo.duckdb';
export const WAL_DIR = 'wal';
/** Written while a collector runs, so the CLI on the same machine finds it. */
export const DISCOVERY_FILE = 'collector.json';
/** The admin credential (manages members), readable only by its owner. */
export const ADMIN_TOKEN_FILE = 'admin-token';
/** The HMAC key of `hash` redaction rules (when redaction.hashKey is not set), readable only by its owner. */
export const REDACTION_KEY_FILE = 'redaction-key';
/** Retention archives (Parquet) by default: archive/<table>/<YYYY-MM>/<run id>.parquet. */
export const ARCHIVE_DIR = 'archive';
/** One JSON line per retention run. */
export const RETENTION_LOG_FILE = 'retention-runs.jsonl';
