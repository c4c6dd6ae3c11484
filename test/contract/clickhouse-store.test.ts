/** The ClickHouse-only contract (suites/clickhouse-suite.ts) on chDB behind the test endpoint. */
import { clickhouseSuite } from './suites/clickhouse-suite.js';
import { sharedChdbEndpoint } from '../support/chdb-endpoint.js';

clickhouseSuite('chDB behind the HTTP endpoint', async () => {
  const endpoint = await sharedChdbEndpoint();
  return { url: endpoint.url, user: 'default', password: '' };
});
