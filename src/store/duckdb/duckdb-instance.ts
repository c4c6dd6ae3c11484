/**
 * Opens the store's DuckDB instance with no file or network access from SQL (read_csv('/etc/passwd'),
 * COPY … TO, ATTACH): the store only ever touches its own file, and `unsilo sql` must reach nothing
 * else. The one exception is the retention archive directory of a writable store: DuckDB takes
 * `allowed_directories` only while external access is on, so the instance opens with it on, allows that
 * directory, and switches external access off before any other connection exists; DuckDB then refuses
 * to switch it back on or to widen the list.
 */
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export interface DuckdbInstanceOptions {
  readOnly?: boolean;
  /** DuckDB's own checkpoint trigger (size of its WAL), for a writable instance. */
  walAutocheckpoint: string;
  /** The one directory SQL may write and read files in (writable instances only). */
  archiveDir?: string;
}

export async function openDuckdb(file: string, opts: DuckdbInstanceOptions): Promise<DuckDBInstance> {
  const archive = opts.readOnly ? undefined : opts.archiveDir;
  const external: Record<string, string> = archive ? {} : { enable_external_access: 'false' };
  const instance = await DuckDBInstance.create(
    file,
    opts.readOnly
      ? { access_mode: 'READ_ONLY', ...external }
      : { wal_autocheckpoint: opts.walAutocheckpoint, ...external },
  );
  if (!archive) return instance;
  try {
    const dir = `${path.resolve(archive)}${path.sep}`.replaceAll("'", "''");
    const setup = await instance.connect();
    await setup.run(`SET allowed_directories = ['${dir}']`);
    await setup.run('SET enable_external_access = false');
    setup.closeSync();
    return instance;
  } catch (err) {
    instance.closeSync();
    throw err;
  }
}
