/**
 * Relay mode (`setup --relay`): the relay runs, and has not dropped anything lately. A collector that
 * cannot be reached is normal for the relay (it buffers), so that alone is reported, not failed; the
 * collector check says whether it answers now.
 */
import { relayStatus } from '../relay/relay-status.js';
import { runningRelay } from '../setup/relay-launch.js';
import { tilde } from '../setup/setup-paths.js';
import { fail, pass, type CheckResult, type DoctorOptions, type DoctorState } from './doctor-result.js';

/** Drops older than this no longer fail the check (they stay in `unsilo relay status`). */
const RECENT_DROP_MS = 7 * 24 * 3_600_000;

export async function relayCheck(o: DoctorOptions, s: DoctorState): Promise<CheckResult> {
  const relay = s.client?.relay;
  if (!relay) return pass('relay', 'not used: Claude Code sends to the collector directly');
  const dir = tilde(relay.dataDir, o.paths.home);
  if (runningRelay(relay.dataDir) === null) {
    return fail('relay', 'relay-down', `no relay runs for ${dir} (its log: ${dir}/relay.log)`);
  }
  const st = await relayStatus(relay.dataDir);
  const last = st.dropped.last;
  if (last && Date.now() - Date.parse(last.at) < RECENT_DROP_MS) {
    return fail(
      'relay',
      'relay-dropped',
      `${st.dropped.batches} batches (${st.dropped.records} records) dropped; last at ${last.at}: ${last.reason}`,
    );
  }
  const h = st.health;
  const upstream =
    h?.reachable === false
      ? `collector unreachable since ${h.since}, buffering`
      : 'forwarding to the collector';
  return pass(
    'relay',
    `pid ${st.pid} on 127.0.0.1:${relay.port}; ${upstream}; ${st.buffered.batches ?? 0} batches buffered, ${st.sent.batches} sent`,
  );
}
