/** The `retention` config (one key of the collector's schema). */
import { z } from 'zod';

/** 100 GB. */
export const DEFAULT_MAX_BYTES = 100_000_000_000;

export const RetentionConfig = z.strictObject({
  /** Run retention on a schedule in the collector (5 minutes after start, then every intervalMinutes). */
  enabled: z.boolean().default(true),
  /** Minutes between scheduled runs. */
  intervalMinutes: z.number().int().positive().default(1440),
  /** Rows older than this many days (whole UTC days) are archived, then deleted; 0: no age limit. */
  maxAgeDays: z.number().int().min(0).default(90),
  /** Past this many bytes in the store, the oldest whole months are archived, then deleted; 0: no size limit. */
  maxBytes: z.number().int().min(0).default(DEFAULT_MAX_BYTES),
  /**
   * Prompt text, responses and tool input/output of rows older than this many days are cleared (the
   * rows and their numbers stay); default: the same as maxAgeDays.
   */
  contentMaxAgeDays: z.number().int().positive().optional(),
  /** Write rows to Parquet before deleting them; false deletes without an archive. */
  archive: z.boolean().default(true),
  /** Where archives go: <archiveDir>/<table>/<YYYY-MM>/<run id>.parquet; default <dataDir>/archive. */
  archiveDir: z.string().min(1).optional(),
});

export type RetentionConfig = z.infer<typeof RetentionConfig>;
