/** Every query template (suites/query-templates-suite.ts) on every store. */
import { STORES } from '../support/stores.js';
import { queryTemplatesSuite } from './suites/query-templates-suite.js';

for (const c of STORES) queryTemplatesSuite(c);
