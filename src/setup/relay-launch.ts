/**
 * Relay mode: the SessionStart hook makes sure the relay runs before Claude Code sends anything.
 * When the relay's lock names no live process it starts `unsilo relay` detached (its own session,
 * output to relay.log in its data directory, the token in its environment rather than on its command
 * line) and returns at once. Two hooks starting it at the same time are fine: the relay's lock lets
 * only one run, the other exits. `relayListening` lets the hook, having started one, wait for it
 * within its own budget (about a second, once per boot), so even a session's first export finds it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { isAlive, LOCK_FILE, lockHolder } from '../relay/relay-lock.js';
import { readDiscovery } from '../relay/relay-status.js';
import type { ClientConfig, RelayClientConfig } from './client-config.js';
import { unsiloBin } from './setup-paths.js';

export const RELAY_LOG = 'relay.log';

export type RelayLaunch = { state: 'running'; pid: number } | { state: 'started'; pid: number | null };

/** The pid of the relay that owns `dataDir`, or null when none runs. */
export function runningRelay(dataDir: string): number | null {
  const pid = lockHolder(path.join(dataDir, LOCK_FILE));
  return pid !== null && isAlive(pid) ? pid : null;
}

export function ensureRelay(
  config: Pick<ClientConfig, 'server' | 'token'>,
  relay: RelayClientConfig,
  env: NodeJS.ProcessEnv = process.env,
): RelayLaunch {
  const pid = runningRelay(relay.dataDir);
  if (pid !== null) return { state: 'running', pid };
  mkdirSync(relay.dataDir, { recursive: true, mode: 0o700 });
  const log = openSync(path.join(relay.dataDir, RELAY_LOG), 'a', 0o600);
  try {
    const child = spawn(
      process.execPath,
      [
        unsiloBin(),
        'relay',
        '--upstream',
        config.server,
        '--port',
        String(relay.port),
        '--grpc-port',
        String(relay.grpcPort),
        '--data-dir',
        relay.dataDir,
        ...(relay.watch ? ['--watch'] : []),
      ],
      {
        detached: true,
        stdio: ['ignore', log, log],
        cwd: relay.dataDir,
        env: { ...env, UNSILO_RELAY_TOKEN: config.token },
      },
    );
    child.on('error', () => undefined);
    child.unref();
    return { state: 'started', pid: child.pid ?? null };
  } finally {
    closeSync(log);
  }
}

/** Resolves true once the relay for `dataDir` listens (its relay.json is written), false at `deadline`. */
export async function relayListening(dataDir: string, deadline: number): Promise<boolean> {
  for (;;) {
    if (readDiscovery(dataDir) !== null) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}
