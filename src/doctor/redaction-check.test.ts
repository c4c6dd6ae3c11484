import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pass, type DoctorState } from './doctor-result.js';
import { redactionCheck } from './redaction-check.js';

let server: http.Server | null = null;
afterEach(() => server?.close());

/** A server answering GET /api/doctor/redaction with `status` and `body`; records the auth header. */
async function answering(status: number, body: unknown, seen: string[] = []): Promise<string> {
  server = http.createServer((req, res) => {
    seen.push(`${req.url} ${req.headers.authorization ?? ''}`);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const state = (url: string): DoctorState =>
  ({
    server: url,
    client: { server: url, token: 'uns_member' },
    target: null,
    results: { collector: pass('collector', 'ok'), token: pass('token', 'ok') },
  }) as unknown as DoctorState;

describe('redactionCheck', () => {
  it('passes when every canary is redacted, asking with the member token', async () => {
    const seen: string[] = [];
    const url = await answering(
      200,
      { ok: true, results: [{ kind: 'jwt', ok: true, survivedIn: [] }] },
      seen,
    );
    const r = await redactionCheck(state(url));
    expect(r.status).toBe('pass');
    expect(r.detail).toBe("all 1 detectors redact their canary with the collector's rules");
    expect(seen).toEqual(['/api/doctor/redaction Bearer uns_member']);
  });

  it('fails naming each surviving kind and where, pointing to redaction-leak', async () => {
    const url = await answering(200, {
      ok: false,
      results: [
        { kind: 'jwt', ok: true, survivedIn: [] },
        { kind: 'stripe-key', ok: false, survivedIn: ['prompt', 'Bash command'] },
      ],
    });
    const r = await redactionCheck(state(url));
    expect(r.status).toBe('fail');
    expect(r.failure?.id).toBe('redaction-leak');
    expect(r.detail).toBe("stored with the collector's rules: stripe-key (in prompt, Bash command)");
  });

  it('skips against an older collector, and without an accepted token', async () => {
    const url = await answering(404, {});
    expect((await redactionCheck(state(url))).detail).toMatch(/older than this unsilo/);
    const s = state(url);
    s.results = {};
    expect(await redactionCheck(s)).toMatchObject({ status: 'skip' });
  });
});
