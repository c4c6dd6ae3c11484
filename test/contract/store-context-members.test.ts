/** Session contexts and the roster (suites/context-members-suite.ts) on every store. */
import { STORES } from '../support/stores.js';
import { contextMembersSuite } from './suites/context-members-suite.js';

for (const c of STORES) contextMembersSuite(c);
