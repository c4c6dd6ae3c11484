/**
 * POST /v1/tool-outcome on a running collector with tokens required: the member's token names the
 * member, the command is stored redacted and with its validation kind (matched after redaction, as
 * at ingest), a retried hook stores one row, and a body the hook would never send gets a 400 naming
 * the field; no token gets 401.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, startTestCollector, type TestCollector } from '../support/collector-fixture.js';

const KEY = `sk-ant-api03-${'A'.repeat(93)}AA`;
let c: TestCollector;
let token: string;

const post = (body: unknown, auth: string | null = token): Promise<Response> =>
  fetch(`${c.httpUrl}/v1/tool-outcome`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    body: JSON.stringify(body),
  });

const outcome = (o: Record<string, unknown> = {}): Record<string, unknown> => ({
  session_id: 'hook-s1',
  tool_use_id: 'toolu_1',
  prompt_id: 'p-1',
  ts: '2026-11-20T10:00:00.000Z',
  tool_name: 'Bash',
  command: `ANTHROPIC_API_KEY=${KEY} npm test -- chapter-07`,
  exit_code: 1,
  success: false,
  ...o,
});

beforeAll(async () => {
  c = await startTestCollector({ auth: { requireToken: 'always' } });
  token = await addMember(c, 'alice');
});
afterAll(async () => {
  await c.dispose();
});

describe('POST /v1/tool-outcome', () => {
  it('stores the command redacted, with its validation kind and member, once however often it is sent', async () => {
    for (let i = 0; i < 3; i++) expect((await post(outcome())).status).toBe(200);
    expect(
      (await post(outcome({ tool_use_id: 'toolu_2', command: 'ls -la', exit_code: 0, success: true })))
        .status,
    ).toBe(200);
    const r = await c.store.query(
      `SELECT tool_use_id, member, command, exit_code, success, validation_kind FROM tool_outcomes
       WHERE session_id = 'hook-s1' ORDER BY tool_use_id`,
    );
    expect(r.rows).toHaveLength(2);
    const [failed, listed] = r.rows;
    expect(failed?.slice(0, 2)).toEqual(['toolu_1', 'alice']);
    expect(String(failed?.[2])).not.toContain(KEY);
    expect(String(failed?.[2])).toContain('npm test -- chapter-07');
    expect(failed?.slice(3)).toEqual([1, false, 'test']);
    expect(listed).toEqual(['toolu_2', 'alice', 'ls -la', 0, true, null]);
  });

  it('answers 400 naming the field for a body the hook never sends, and 401 without a token', async () => {
    const bad = await post(outcome({ exit_code: 1.5, tool_use_id: '' }));
    expect(bad.status).toBe(400);
    const message = String(((await bad.json()) as { message: string }).message);
    expect(message).toMatch(/tool_use_id/);
    expect(message).toMatch(/exit_code/);
    expect((await post(outcome(), null)).status).toBe(401);
    // A session id that is nothing once cleaned (a lone NUL) is refused, as /v1/context does.
    const empty = await post(outcome({ session_id: '\u0000' }));
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { message: string }).message).toBe('session_id: empty');
  });
});
