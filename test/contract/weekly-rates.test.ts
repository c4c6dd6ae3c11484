/** `changes weekly` (suites/weekly-rates-suite.ts) on every store. */
import { STORES } from '../support/stores.js';
import { weeklyRatesSuite } from './suites/weekly-rates-suite.js';

for (const c of STORES) weeklyRatesSuite(c);
