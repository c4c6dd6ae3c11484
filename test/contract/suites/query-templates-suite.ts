/**
 * Every query template on a fixed data set (test/fixtures/team-dataset.ts), against every store, with
 * expected rows computed by hand from the data set, not copied from output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryParamError } from '../../../src/query/query-filters.js';
import { QueryService } from '../../../src/query/query-service.js';
import { TEMPLATES } from '../../../src/query/templates/index.js';
import type { Store } from '../../../src/store/store.js';
import { TEAM_EVENTS } from '../../fixtures/team-dataset.js';
import type { StoreCase } from '../../support/stores.js';

/** "Now" for relative ranges: the day after the last event. */
const NOW = new Date('2026-11-11T00:00:00Z');

export function queryTemplatesSuite({ name, open }: StoreCase): void {
  describe(`query templates on ${name}`, () => {
    let store: Store;
    let cleanup: () => void;
    let svc: QueryService;
    beforeAll(async () => {
      ({ store, cleanup } = await open());
      await store.write({ events: TEAM_EVENTS, spans: [], metrics: [] });
      svc = new QueryService(store, () => NOW);
    });
    afterAll(async () => {
      await store.close();
      cleanup();
    });

    const rows = async (
      name: string,
      params: Record<string, string> = {},
    ): Promise<Record<string, unknown>[]> => {
      const r = await svc.run(name, params);
      return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]])));
    };
    const pick = (list: Record<string, unknown>[], keys: string[]): unknown[][] =>
      list.map((r) => keys.map((k) => r[k]));

    it('cost-by-member', async () => {
      expect(
        pick(await rows('cost-by-member'), [
          'member',
          'cost_usd',
          'api_requests',
          'input_tokens',
          'cache_read_tokens',
        ]),
      ).toEqual([
        ['alice', 0.65, 3, 160, 1000],
        ['bob', 0.2, 1, 200, 500],
      ]);
    });

    it('cost-by-day, -week, -month', async () => {
      expect(pick(await rows('cost-by-day'), ['day', 'cost_usd', 'api_requests'])).toEqual([
        ['2026-11-02', 0.6, 2],
        ['2026-11-03', 0.2, 1],
        ['2026-11-10', 0.05, 1],
      ]);
      expect(pick(await rows('cost-by-week'), ['week', 'cost_usd'])).toEqual([
        ['2026-11-02', 0.8],
        ['2026-11-09', 0.05],
      ]);
      expect(pick(await rows('cost-by-month'), ['month', 'cost_usd', 'api_requests'])).toEqual([
        ['2026-11', 0.85, 4],
      ]);
    });

    it('cost-by-model, -feature, -chapter', async () => {
      expect(pick(await rows('cost-by-model'), ['model', 'cost_usd', 'api_requests'])).toEqual([
        ['claude-opus-4-1', 0.5, 1],
        ['claude-sonnet-4-5', 0.35, 3],
      ]);
      expect(pick(await rows('cost-by-feature'), ['feature', 'cost_usd'])).toEqual([
        ['017', 0.6],
        ['021', 0.2],
        [null, 0.05],
      ]);
      expect(pick(await rows('cost-by-chapter'), ['chapter', 'cost_usd'])).toEqual([
        ['07', 0.6],
        ['03', 0.2],
        [null, 0.05],
      ]);
    });

    it('cost-total', async () => {
      expect(await rows('cost-total')).toEqual([
        {
          cost_usd: 0.85,
          api_requests: 4,
          input_tokens: 360,
          output_tokens: 165,
          cache_read_tokens: 1500,
          cache_creation_tokens: 300,
          sessions: 3,
          members: 2,
        },
      ]);
    });

    it('tokens-by-type, -session, -member and cache-hit-ratio', async () => {
      expect(pick(await rows('tokens-by-type'), ['type', 'tokens', 'share'])).toEqual([
        ['input', 360, 0.1548],
        ['output', 165, 0.071],
        ['cache_read', 1500, 0.6452],
        ['cache_creation', 300, 0.129],
      ]);
      expect(
        pick(await rows('tokens-by-session'), ['session_id', 'member', 'total_tokens', 'cost_usd']),
      ).toEqual([
        ['s1', 'alice', 1365, 0.6],
        ['s2', 'bob', 800, 0.2],
        ['s3', 'alice', 160, 0.05],
      ]);
      expect(pick(await rows('tokens-by-member'), ['member', 'total_tokens', 'cache_hit_ratio'])).toEqual([
        ['alice', 1525, 0.6849],
        ['bob', 800, 0.7143],
      ]);
      expect(
        pick(await rows('cache-hit-ratio'), [
          'model',
          'cache_read_tokens',
          'input_side_tokens',
          'cache_hit_ratio',
        ]),
      ).toEqual([
        ['claude-opus-4-1', 0, 10, 0],
        ['claude-sonnet-4-5', 1500, 2150, 0.6977],
        ['(all)', 1500, 2160, 0.6944],
      ]);
    });

    it('sessions, newest first', async () => {
      const keys = [
        'session_id',
        'member',
        'started',
        'ended',
        'duration_s',
        'prompts',
        'api_requests',
        'tool_calls',
        'tool_failures',
        'validation_failures',
        'api_errors',
        'cost_usd',
      ];
      expect(pick(await rows('sessions'), keys)).toEqual([
        ['s3', 'alice', '2026-11-10 08:00:00', '2026-11-10 08:00:30', 30, 0, 1, 1, 0, 0, 0, 0.05],
        ['s2', 'bob', '2026-11-03 10:00:00', '2026-11-03 10:00:05', 5, 1, 1, 2, 2, 1, 1, 0.2],
        ['s1', 'alice', '2026-11-02 09:00:00', '2026-11-02 09:01:40', 100, 1, 2, 6, 4, 4, 1, 0.6],
      ]);
    });

    it('failing-sessions and validation-failures take --min-failures', async () => {
      expect(pick(await rows('failing-sessions'), ['session_id', 'tool_failures', 'tool_calls'])).toEqual([
        ['s1', 4, 6],
      ]);
      expect(
        pick(await rows('failing-sessions', { 'min-failures': '1' }), ['session_id', 'tool_failures']),
      ).toEqual([
        ['s1', 4],
        ['s2', 2],
      ]);
      const keys = [
        'session_id',
        'validation_failures',
        'validations',
        'test_failures',
        'lint_failures',
        'typecheck_failures',
        'build_failures',
      ];
      expect(pick(await rows('validation-failures'), keys)).toEqual([['s1', 4, 5, 4, 0, 0, 0]]);
      expect(pick(await rows('validation-failures', { 'min-failures': '0' }), keys)).toEqual([
        ['s1', 4, 5, 4, 0, 0, 0],
        ['s2', 1, 1, 0, 1, 0, 0],
      ]);
    });

    it('tool-usage and tool-decisions', async () => {
      expect(
        pick(await rows('tool-usage'), [
          'tool_name',
          'calls',
          'failures',
          'failure_rate',
          'mean_duration_ms',
          'p95_duration_ms',
        ]),
      ).toEqual([
        ['Bash', 8, 6, 0.75, 438.8, 900],
        ['Read', 1, 0, 0, 10, 10],
      ]);
      expect(pick(await rows('tool-decisions'), ['tool_name', 'source', 'decision', 'decisions'])).toEqual([
        ['Bash', 'config', 'accept', 1],
        ['Write', 'user_reject', 'reject', 1],
      ]);
    });

    it('api-errors and api-retries', async () => {
      expect(
        pick(await rows('api-errors'), ['status_code', 'error', 'errors', 'sessions', 'max_attempt']),
      ).toEqual([
        [429, 'Rate limited', 1, 1, 1],
        [529, 'Overloaded', 1, 1, 3],
      ]);
      expect(
        pick(await rows('api-retries'), [
          'model',
          'status_code',
          'failed_calls',
          'retried',
          'max_attempt',
          'mean_attempt',
        ]),
      ).toEqual([
        ['claude-sonnet-4-5', 429, 1, 0, 1, 1],
        ['claude-sonnet-4-5', 529, 1, 1, 3, 3],
      ]);
    });

    it('trend-daily', async () => {
      const keys = [
        'day',
        'cost_usd',
        'tokens',
        'api_requests',
        'api_errors',
        'error_rate',
        'validations',
        'validation_failures',
        'validation_failure_rate',
      ];
      expect(pick(await rows('trend-daily'), keys)).toEqual([
        ['2026-11-02', 0.6, 1365, 2, 1, 0.3333, 5, 4, 0.8],
        ['2026-11-03', 0.2, 800, 1, 1, 0.5, 1, 1, 1],
        ['2026-11-10', 0.05, 160, 1, 0, 0, 1, 0, 0],
      ]);
    });

    it('active-members by day and week, last-seen, event-counts', async () => {
      expect(pick(await rows('active-members'), ['period', 'active_members', 'sessions'])).toEqual([
        ['2026-11-02', 1, 1],
        ['2026-11-03', 1, 1],
        ['2026-11-10', 1, 1],
      ]);
      expect(
        pick(await rows('active-members', { bucket: 'week' }), ['period', 'active_members', 'sessions']),
      ).toEqual([
        ['2026-11-02', 2, 2],
        ['2026-11-09', 1, 1],
      ]);
      expect(pick(await rows('last-seen'), ['member', 'last_event', 'sessions', 'events'])).toEqual([
        ['bob', '2026-11-03 10:00:05', 1, 5],
        ['alice', '2026-11-10 08:00:30', 2, 14],
      ]);
      expect(
        pick(await rows('event-counts', { event: 'tool_result' }), [
          'event_name',
          'events',
          'sessions',
          'members',
        ]),
      ).toEqual([['tool_result', 9, 3, 2]]);
    });

    it('applies the common filters', async () => {
      const byMember = async (params: Record<string, string>): Promise<unknown[][]> =>
        pick(await rows('cost-by-member', params), ['member', 'cost_usd']);
      expect(await byMember({ since: '2026-11-03' })).toEqual([
        ['bob', 0.2],
        ['alice', 0.05],
      ]);
      expect(await byMember({ until: '2026-11-02' })).toEqual([['alice', 0.6]]);
      expect(await byMember({ since: '2026-11-03T10:00:02Z', until: '2026-11-10' })).toEqual([
        ['bob', 0.2],
        ['alice', 0.05],
      ]);
      expect(await byMember({ since: '2d' })).toEqual([['alice', 0.05]]);
      expect(await byMember({ member: 'bob' })).toEqual([['bob', 0.2]]);
      expect(await byMember({ feature: '017' })).toEqual([['alice', 0.6]]);
      expect(await byMember({ chapter: '03' })).toEqual([['bob', 0.2]]);
      expect(await byMember({ session: 's3' })).toEqual([['alice', 0.05]]);
      expect(await byMember({ model: 'claude-opus-4-1' })).toEqual([['alice', 0.5]]);
    });

    it('refuses bad parameters with messages that say what was wrong', async () => {
      await expect(svc.run('cost-by-member', { member: 'zoe' })).rejects.toThrow(
        /unknown member "zoe"; known: alice, bob/,
      );
      await expect(svc.run('cost-by-member', { since: 'yesterday-ish' })).rejects.toThrow(
        /--since "yesterday-ish" is not a date/,
      );
      await expect(svc.run('cost-by-member', { event: 'api_request' })).rejects.toThrow(
        /cost-by-member does not take --event/,
      );
      await expect(svc.run('failing-sessions', { 'min-failures': '-1' })).rejects.toThrow(/whole number/);
      await expect(svc.run('active-members', { bucket: 'year' })).rejects.toThrow(/one of day, week/);
      await expect(svc.run('no-such-template', {})).rejects.toBeInstanceOf(QueryParamError);
      await expect(svc.run('cost-by-member', { since: '2026-11-05', until: '2026-11-01' })).rejects.toThrow(
        /must be before/,
      );
    });

    it('binds values, never splices them', async () => {
      const r = await svc.run('cost-by-member', { member: "alice' OR '1'='1" }).catch((e: Error) => e);
      expect(r).toBeInstanceOf(QueryParamError);
    });

    it('has every template covered above', () => {
      const covered = [
        'cost-by-member',
        'cost-by-day',
        'cost-by-week',
        'cost-by-month',
        'cost-by-model',
        'cost-by-feature',
        'cost-by-chapter',
        'cost-total',
        'tokens-by-type',
        'tokens-by-session',
        'tokens-by-member',
        'cache-hit-ratio',
        'sessions',
        'failing-sessions',
        'validation-failures',
        'tool-usage',
        'tool-decisions',
        'api-errors',
        'api-retries',
        'trend-daily',
        'active-members',
        'last-seen',
        'event-counts',
      ];
      expect(TEMPLATES.map((t) => t.name).sort()).toEqual([...covered].sort());
    });
  });
}
