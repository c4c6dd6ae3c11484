/**
 * What the collector does after a retention run: count rows in /metrics (archived, deleted, content
 * cleared, by table; runs by outcome) and log one line per run, an error for a failed one and a
 * warning when the current month alone is over the size limit. Dry runs are neither counted nor logged.
 */
import type { Logger } from 'pino';
import { RetentionRunError } from '../retention/retention-report.js';
import type { RetentionHooks } from '../retention/retention-service.js';
import type { CollectorMetrics } from './collector-metrics.js';

export function retentionHooks(metrics: CollectorMetrics, logger: Logger): RetentionHooks {
  return {
    onReport(r) {
      if (r.dryRun) return;
      metrics.retentionRuns.inc({ outcome: r.error ? 'failed' : 'ok' });
      for (const s of r.slices.filter((x) => x.done)) {
        if (s.file) metrics.retentionRows.inc({ table: s.table, action: 'archived' }, s.rows);
        metrics.retentionRows.inc({ table: s.table, action: 'deleted' }, s.rows);
      }
      for (const [table, n] of Object.entries(r.contentCleared))
        if (n > 0) metrics.retentionRows.inc({ table, action: 'content_cleared' }, n);
      const summary = {
        runId: r.runId,
        deleted: r.deleted,
        contentCleared: r.contentCleared,
        files: r.slices.filter((x) => x.done && x.file).map((x) => x.file),
        compacted: r.compacted,
        bytesBefore: r.plan.usedBytes,
        bytesAfter: r.bytesAfter,
      };
      if (r.error) logger.error({ ...summary, error: r.error }, 'retention run failed');
      else logger.info(summary, 'retention run');
      if (r.overLimit)
        logger.warn(
          { bytes: r.bytesAfter },
          'over retention.maxBytes with only the current month left: raise the limit or lower maxAgeDays',
        );
    },
    onError(err) {
      // A failed run was logged by onReport; anything else (the store's usage failed) here.
      if (!(err instanceof RetentionRunError)) logger.error({ err }, 'scheduled retention run failed');
    },
  };
}
