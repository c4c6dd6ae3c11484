/**
 * The configured store, its engine's module loaded only when chosen (so DuckDB's native module is
 * never loaded for a ClickHouse collector, nor the HTTP client for a DuckDB one).
 */
import type { Store } from './store.js';

export interface StoreChoice {
  kind: 'duckdb' | 'clickhouse';
  clickhouse: {
    url?: string;
    database: string;
    user: string;
    password: string;
    cluster?: string;
    asyncInsert: boolean;
    requestTimeoutMs: number;
  };
}

export async function openStore(
  choice: StoreChoice,
  duckdb: { file: string; readOnly?: boolean; archiveDir?: string },
): Promise<Store> {
  switch (choice.kind) {
    case 'duckdb': {
      const { DuckdbStore } = await import('./duckdb/duckdb-store.js');
      return new DuckdbStore(duckdb);
    }
    case 'clickhouse': {
      const { ClickhouseStore } = await import('./clickhouse/clickhouse-store.js');
      const { url, ...rest } = choice.clickhouse;
      if (!url) throw new Error('store.clickhouse.url is not set (loadServeConfig checks it)');
      return new ClickhouseStore({ url, ...rest });
    }
    default:
      return choice.kind satisfies never;
  }
}

/** Where the store is, for messages (never the password). */
export const storeLabel = (choice: StoreChoice, duckdbFile: string): string =>
  choice.kind === 'duckdb'
    ? duckdbFile
    : `ClickHouse ${choice.clickhouse.url ?? ''} database ${choice.clickhouse.database}`;
