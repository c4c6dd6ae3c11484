/**
 * The retention settings of a collector config, resolved: the archive directory (default
 * <dataDir>/archive) and the content limit (default: the age limit). SQL may read the archive
 * directory (the store's DuckDB writes the Parquet files), so it must not hold the data directory:
 * that would expose the admin token and the redaction key to `unsilo sql`.
 */
import path from 'node:path';
import { ConfigError, type ServeConfig } from '../config/config.js';
import { ARCHIVE_DIR, RETENTION_LOG_FILE } from '../config/data-dir.js';
import type { RetentionPolicy } from './retention-policy.js';

export interface RetentionSettings {
  policy: RetentionPolicy;
  /** Where archives go (absolute); null: rows are deleted without an archive. */
  archiveDir: string | null;
  /** One JSON line per run. */
  runLog: string;
  /** Scheduled runs every this many ms; null: none. */
  intervalMs: number | null;
}

const holds = (dir: string, inner: string): boolean => {
  const rel = path.relative(dir, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

export function retentionSettings(cfg: ServeConfig): RetentionSettings {
  const r = cfg.retention;
  const dataDir = path.resolve(cfg.dataDir);
  const archiveDir = r.archive
    ? r.archiveDir
      ? path.resolve(r.archiveDir)
      : path.join(dataDir, ARCHIVE_DIR)
    : null;
  if (archiveDir && holds(archiveDir, dataDir)) {
    throw new ConfigError(
      `invalid configuration:\n  retention.archiveDir: ${archiveDir} holds the data directory ${dataDir}; ` +
        `SQL can read the archive directory, so pick one that does not, e.g. ${path.join(dataDir, ARCHIVE_DIR)}`,
    );
  }
  return {
    policy: {
      maxAgeDays: r.maxAgeDays,
      maxBytes: r.maxBytes,
      contentMaxAgeDays: r.contentMaxAgeDays ?? r.maxAgeDays,
    },
    archiveDir,
    runLog: path.join(dataDir, RETENTION_LOG_FILE),
    intervalMs: r.enabled ? r.intervalMinutes * 60_000 : null,
  };
}
