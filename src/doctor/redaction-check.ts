/**
 * The redaction check: the collector runs its canary self-test (`unsilo redact --test`) with its own
 * configured rules and reports, per detector, whether a fake secret would be stored; doctor fails when
 * any would. Asked over GET /api/doctor/redaction with the member's token.
 */
import { fail, pass, passed, skip, type CheckResult, type DoctorState } from './doctor-result.js';
import { memberToken } from './remote-checks.js';

interface CanaryAnswer {
  ok?: unknown;
  results?: { kind: string; ok: boolean; survivedIn: string[] }[];
}

export async function redactionCheck(s: DoctorState): Promise<CheckResult> {
  if (!passed(s, 'collector') || !passed(s, 'token'))
    return skip('redaction', 'needs the collector and an accepted token');
  const token = memberToken(s);
  const res = await fetch(`${s.server}/api/doctor/redaction`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(5000),
  });
  if (res.status === 404)
    return skip('redaction', 'the collector is older than this unsilo (no GET /api/doctor/redaction)');
  const body = (await res.json().catch(() => ({}))) as CanaryAnswer;
  if (!res.ok || !Array.isArray(body.results))
    return skip('redaction', `GET /api/doctor/redaction answered HTTP ${res.status}`);
  const leaks = body.results.filter((r) => !r.ok);
  if (leaks.length === 0)
    return pass(
      'redaction',
      `all ${body.results.length} detectors redact their canary with the collector's rules`,
    );
  return fail(
    'redaction',
    'redaction-leak',
    `stored with the collector's rules: ${leaks.map((r) => `${r.kind} (in ${r.survivedIn.join(', ')})`).join('; ')}`,
  );
}
