/**
 * An existing store from before the reservations (no `review_reservations`, no `note_patterns.source`
 * / `.confirmed`, no `pattern_revisions.detector`; on ClickHouse: migrations 1–4 recorded) upgrades on
 * start: the table and columns appear, links made before read as a person's confirmed links, and
 * reservations work. DuckDB reopens its file; ClickHouse runs migration 5 once.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnalysisContext } from '../../src/analysis/analysis-context.js';
import { loadLinkRows, loadPatterns } from '../../src/analysis/patterns/pattern-store.js';
import { activeReservations, claim } from '../../src/analysis/review/review-reservations.js';
import { MIGRATIONS } from '../../src/store/clickhouse/clickhouse-migrations.js';
import { ClickhouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { DuckdbStore } from '../../src/store/duckdb/duckdb-store.js';
import type { Store } from '../../src/store/store.js';
import { sharedChdbEndpoint } from '../support/chdb-endpoint.js';
import { tempDir } from '../support/collector-fixture.js';

const ctxOf = (store: Store): AnalysisContext => ({
  store,
  author: 'rita',
  now: () => new Date('2026-11-28T12:00:00Z'),
  redact: (t) => t,
});

/** Rows as a release before migration 5 wrote them. */
const OLD_ROWS = [
  `INSERT INTO pattern_revisions (pattern_id, slug, name, definition, status, merged_into, recommendation,
    reason, revised_by, revised_at, seq) SELECT 'p-1', 'vague-spec', 'vague-spec', NULL, 'identified', NULL,
    NULL, 'added', 'rita', TIMESTAMP '2026-11-01 10:00:00', 1`,
  `INSERT INTO note_patterns (annotation_id, pattern_id, linked, linked_by, linked_at, seq)
    SELECT 'n-1', 'p-1', true, 'rita', TIMESTAMP '2026-11-01 10:00:00', 2`,
];

async function expectUpgraded(store: Store): Promise<void> {
  const ctx = ctxOf(store);
  expect(await loadLinkRows(ctx)).toMatchObject([
    { annotation_id: 'n-1', pattern_id: 'p-1', linked: true, source: 'human', confirmed: true },
  ]);
  expect((await loadPatterns(ctx)).get('p-1')).toMatchObject({ slug: 'vague-spec', detector: null });
  await claim(ctx, 'q-1', 's-1', 60_000);
  expect((await activeReservations(ctx, 'q-1')).get('s-1')).toMatchObject({ reviewer: 'rita' });
}

describe('analysis schema upgrade', () => {
  it('DuckDB adds the columns and the table to an older file', async () => {
    const dir = tempDir('upgrade-');
    const file = path.join(dir, 'store.duckdb');
    try {
      const old = new DuckdbStore({ file });
      await old.start();
      await old.query('DROP TABLE review_reservations');
      await old.query('ALTER TABLE note_patterns DROP COLUMN source');
      await old.query('ALTER TABLE note_patterns DROP COLUMN confirmed');
      await old.query('ALTER TABLE pattern_revisions DROP COLUMN detector');
      for (const sql of OLD_ROWS) await old.query(sql);
      await old.close();
      const store = new DuckdbStore({ file });
      await store.start();
      try {
        await expectUpgraded(store);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ClickHouse runs migration 5 on a database migrated to 4', async () => {
    const endpoint = await sharedChdbEndpoint();
    const target = { url: endpoint.url, user: 'default', password: '' };
    const database = `unsilo_test_${randomBytes(6).toString('hex')}`;
    const old = new ClickhouseStore({ ...target, database });
    await old.start();
    await old.query('DROP TABLE review_reservations');
    await old.query('ALTER TABLE note_patterns DROP COLUMN source, DROP COLUMN confirmed');
    await old.query('ALTER TABLE pattern_revisions DROP COLUMN detector');
    await old.query('TRUNCATE TABLE schema_migrations');
    await old.query(
      "INSERT INTO schema_migrations (version, name) SELECT number + 1, 'before' FROM numbers(4)",
    );
    for (const sql of OLD_ROWS) await old.query(sql.replaceAll('TIMESTAMP ', ''));
    await old.close();
    const store = new ClickhouseStore({ ...target, database });
    await store.start();
    try {
      await expectUpgraded(store);
      const versions = await store.query('SELECT version FROM schema_migrations FINAL ORDER BY version');
      expect(versions.rows.map((r) => Number(r[0]))).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await store.query(`DROP DATABASE IF EXISTS \`${database}\``).catch(() => undefined);
      await store.close();
    }
  });
});
