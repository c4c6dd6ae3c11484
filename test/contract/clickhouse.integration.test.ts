/**
 * The same contract suites against a real ClickHouse server, when CLICKHOUSE_URL is set
 * (CLICKHOUSE_USER, CLICKHOUSE_PASSWORD; CLICKHOUSE_CLUSTER for cluster mode). Each suite works in a
 * database of its own (unsilo_test_…), dropped afterwards; the user needs to create databases and,
 * for the FINAL test, SYSTEM STOP MERGES (the default user may do both). Without CLICKHOUSE_URL the file is skipped,
 * saying so: the normal run covers the same SQL on chDB.
 */
import { describe, it } from 'vitest';
import { openClickhouse, type ClickhouseTarget, type StoreCase } from '../support/stores.js';
import { clickhouseSuite } from './suites/clickhouse-suite.js';
import { contextMembersSuite } from './suites/context-members-suite.js';
import { queryTemplatesSuite } from './suites/query-templates-suite.js';
import { storeContractSuite } from './suites/store-contract-suite.js';

const url = process.env.CLICKHOUSE_URL;

if (!url) {
  describe.skip('ClickHouse server integration: CLICKHOUSE_URL is not set (e.g. CLICKHOUSE_URL=http://localhost:8123)', () => {
    it('runs the store, template, context/roster and ClickHouse suites against that server', () => undefined);
  });
} else {
  const target: ClickhouseTarget = {
    url,
    user: process.env.CLICKHOUSE_USER ?? 'default',
    password: process.env.CLICKHOUSE_PASSWORD ?? '',
    cluster: process.env.CLICKHOUSE_CLUSTER || undefined,
  };
  const server: StoreCase = { name: `ClickHouse at ${url}`, open: () => openClickhouse(target) };
  storeContractSuite(server);
  queryTemplatesSuite(server);
  contextMembersSuite(server);
  clickhouseSuite(server.name, () => Promise.resolve(target));
}
