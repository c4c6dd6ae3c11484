/**
 * A one-time migration for data written before events were keyed by the ids they share with
 * transcripts (pipeline/normalize/identity.ts): those rows carry a content hash as their key, so an
 * import (or a late telemetry retry) of the same API request, tool result, prompt or response would be
 * stored beside them. Each such row gets its shared-id key (the same hash, computed in SQL); of rows
 * that turn out to share one, the one already keyed so (else the first) stays. Runs once per file,
 * recorded in `unsilo_migrations`.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { SHARED_ID } from '../../pipeline/normalize/identity.js';

const NAME = 'events-shared-id-keys';

/** The SQL expression of the id an event shares with transcripts. */
const idExpr = (field: string): string =>
  field === 'request_id' || field === 'tool_use_id'
    ? field
    : `json_extract_string(attributes, '$."${field}"')`;

export async function rekeySharedIds(conn: DuckDBConnection): Promise<void> {
  await conn.run(
    'CREATE TABLE IF NOT EXISTS unsilo_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP)',
  );
  const done = await conn.runAndReadAll('SELECT count(*) FROM unsilo_migrations WHERE name = $1', [NAME]);
  if (Number(done.getRows()[0]?.[0] ?? 0) > 0) return;
  const cases = Object.entries(SHARED_ID)
    .map(([name, field]) => `WHEN event_name = '${name}' THEN ${idExpr(field)}`)
    .join(' ');
  const rekeyed = `SELECT key, left(sha256('shared-id' || chr(0) || event_name || chr(0) || id || chr(0)), 32) AS new_key, ts
    FROM (SELECT key, event_name, ts, CASE ${cases} END AS id FROM events
          WHERE event_name IN (${Object.keys(SHARED_ID)
            .map((n) => `'${n}'`)
            .join(', ')}))
    WHERE id IS NOT NULL AND id <> ''`;
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run(`CREATE OR REPLACE TEMP TABLE rekey AS ${rekeyed}`);
    await conn.run(`DELETE FROM events WHERE key IN (
      SELECT key FROM (SELECT key, row_number() OVER (PARTITION BY new_key ORDER BY key = new_key DESC, ts, key) AS n FROM rekey)
      WHERE n > 1)`);
    await conn.run(
      'UPDATE events SET key = r.new_key FROM rekey r WHERE events.key = r.key AND r.key <> r.new_key',
    );
    await conn.run('INSERT INTO unsilo_migrations VALUES ($1, now())', [NAME]);
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await conn.run('DROP TABLE IF EXISTS rekey').catch(() => undefined);
  }
}
