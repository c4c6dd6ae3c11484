/**
 * What every store does besides telemetry rows: session contexts applied to events (the context in
 * force at each event's time, also for events written after the context), and the member roster
 * (add, list, rotate, revoke), whose SQL is shared by all stores, and the tool hooks' outcomes (one row per key).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemberRegistry } from '../../../src/members/member-registry.js';
import type { SessionContextRow, ToolOutcomeRow } from '../../../src/model/records.js';
import type { Store } from '../../../src/store/store.js';
import { eventRow } from '../../fixtures/rows.js';
import { tempDir } from '../../support/collector-fixture.js';
import type { StoreCase } from '../../support/stores.js';

const T0 = Date.UTC(2026, 10, 5, 9, 0, 0) * 1000;
const S = 1_000_000;

function context(session: string, at: number, branch: string, feature: string): SessionContextRow {
  return {
    key: `${session}-${at}`,
    session_id: session,
    ts: at,
    member: 'alice',
    hook_event: 'SessionStart',
    cwd: '/work/book',
    branch,
    repo: 'book',
    commit: null,
    feature,
    chapter: null,
  };
}

export function contextMembersSuite({ name, open }: StoreCase): void {
  describe(`session context and members on ${name}`, () => {
    let store: Store;
    let cleanup: () => void;
    const dir = tempDir('roster-');
    beforeAll(async () => {
      ({ store, cleanup } = await open());
    });
    afterAll(async () => {
      await store.close();
      cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    const contextOf = async (session: string): Promise<unknown[][]> =>
      (
        await store.query(
          `SELECT event_sequence, git_branch, feature, repo FROM events WHERE session_id = ${store.dialect.param(1, session)} ORDER BY ts`,
          [session],
        )
      ).rows;

    it('gives each event the context in force at its time, the first one before it, and keeps explicit attributes', async () => {
      const ev = (i: number, o = {}): ReturnType<typeof eventRow> =>
        eventRow({ session_id: 'ctx-1', ts: T0 + i * S, event_sequence: i, ...o });
      await store.write({
        events: [ev(0), ev(10), ev(20, { attributes: JSON.stringify({ feature: '099' }) })],
        spans: [],
        metrics: [],
      });
      await store.writeContexts([context('ctx-1', T0 + 5 * S, '017-usage', '017')]);
      await store.writeContexts([context('ctx-1', T0 + 15 * S, '021-export', '021')]);
      expect(await contextOf('ctx-1')).toEqual([
        [0, '017-usage', '017', 'book'],
        [10, '017-usage', '017', 'book'],
        [20, '021-export', '099', 'book'],
      ]);
      // Events written after the contexts get theirs as they are stored; a replay changes nothing.
      const later = ev(30);
      await store.write({ events: [later], spans: [], metrics: [] });
      expect(await store.write({ events: [later], spans: [], metrics: [] })).toMatchObject({
        events: { inserted: 0, duplicates: 1 },
      });
      expect((await contextOf('ctx-1')).at(-1)).toEqual([30, '021-export', '021', 'book']);
      const n = await store.query("SELECT count(*) FROM events WHERE session_id = 'ctx-1'");
      expect(n.rows).toEqual([[4]]);
    });

    it('stores each tool outcome once, however often a hook retries it', async () => {
      const outcome = (exit: number | null): ToolOutcomeRow => ({
        key: 'out-1',
        session_id: 'tool-1',
        tool_use_id: 'toolu_1',
        prompt_id: 'p-1',
        ts: T0 + 3 * S,
        member: 'alice',
        tool_name: 'Bash',
        command: 'npm test',
        exit_code: exit,
        success: exit === 0,
        validation_kind: 'test',
      });
      await store.writeToolOutcomes([outcome(1)]);
      await store.writeToolOutcomes([outcome(1)]);
      const r = await store.query(
        `SELECT session_id, tool_use_id, prompt_id, member, tool_name, command, exit_code, success, validation_kind
         FROM tool_outcomes WHERE session_id = ${store.dialect.param(1, 'tool-1')}`,
        ['tool-1'],
      );
      expect(r.rows).toEqual([['tool-1', 'toolu_1', 'p-1', 'alice', 'Bash', 'npm test', 1, false, 'test']]);
    });

    it('keeps the roster: add, list, rotate, revoke', async () => {
      const registry = new MemberRegistry(store, path.join(dir, 'admin-token'));
      await registry.start();
      const alice = await registry.add('alice', 'author', 'alice@example.com');
      const bob = await registry.add('bob', 'reviewer', null);
      await expect(registry.add('alice', 'author', null)).rejects.toThrow(/exists already/);
      expect(registry.authenticate(alice.token)).toEqual({ name: 'alice', role: 'author' });

      const rotated = await registry.rotate('alice');
      expect(registry.authenticate(alice.token)).toBeNull();
      expect(await registry.wasRevoked(alice.token)).toBe(true);
      expect(registry.authenticate(rotated.token)).toEqual({ name: 'alice', role: 'author' });

      await registry.revoke('bob');
      expect(registry.authenticate(bob.token)).toBeNull();
      await expect(registry.revoke('bob')).rejects.toThrow(/revoked already/);

      const list = await registry.list();
      expect(list.map((m) => [m.name, m.role, m.email, m.revoked === null, m.signals_24h])).toEqual([
        ['alice', 'author', 'alice@example.com', true, ''],
        ['bob', 'reviewer', null, false, ''],
      ]);
      // Events from the contexts test are alice's, in 2026-11: her last event and version show.
      expect(list[0]?.last_event).toBe('2026-11-05 09:00:30');
      expect(list[0]?.claude_code_version).toBe('2.1.328');

      const again = new MemberRegistry(store, path.join(dir, 'admin-token'));
      await again.start();
      expect(again.authenticate(rotated.token)).toEqual({ name: 'alice', role: 'author' });
      expect(again.authenticate(bob.token)).toBeNull();
    });
  });
}
