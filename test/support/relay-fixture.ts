/**
 * Relays for tests, on ports the OS picks: in-process (`startTestRelay`) or as a real child process
 * (`spawnRelay`, for kill -9), and `freePort()` for an upstream that is down now and comes up later.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { loadRelayConfig, type RelayConfigInput } from '../../src/config/relay-config.js';
import { DISCOVERY_FILE, type RelayDiscovery } from '../../src/relay/relay-status.js';
import { startRelay, type Relay } from '../../src/relay/relay.js';
import { spawnUnsilo, tempDir } from './collector-fixture.js';

/** A port nothing listens on right now (the OS picked it, then it was closed). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Fast retries for tests: the collector coming back is noticed within about a second. */
export const TEST_FORWARD = { minBackoffMs: 50, maxBackoffMs: 500, timeoutMs: 5000 };

export interface TestRelay extends Relay {
  dataDir: string;
  dispose(): Promise<void>;
}

export async function startTestRelay(
  upstream: string,
  overrides: Partial<RelayConfigInput> = {},
): Promise<TestRelay> {
  const dataDir = overrides.dataDir ?? tempDir('relay-');
  const file = path.join(dataDir, 'test-relay-config.json');
  writeFileSync(file, '{}');
  const cfg = loadRelayConfig(
    {
      upstream,
      port: 0,
      grpcPort: 0,
      logLevel: 'silent',
      forward: TEST_FORWARD,
      ...overrides,
      dataDir,
      config: file,
    },
    {},
  );
  const relay = await startRelay(cfg);
  return Object.assign(relay, {
    dataDir,
    dispose: async () => {
      await relay.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

export interface SpawnedRelay extends RelayDiscovery {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | string>;
}

/** Runs `unsilo relay` as a child process (with a config file for fast retries) and waits until it listens. */
export async function spawnRelay(
  dataDir: string,
  upstream: string,
  extra: string[] = [],
): Promise<SpawnedRelay> {
  const config = path.join(dataDir, 'test-relay-config.json');
  writeFileSync(config, JSON.stringify({ forward: TEST_FORWARD }));
  const args = ['relay', '--upstream', upstream, '--port', '0', '--grpc-port', '0', '--data-dir', dataDir];
  const s = await spawnUnsilo<RelayDiscovery>(
    [...args, '--config', config, ...extra],
    path.join(dataDir, DISCOVERY_FILE),
    dataDir,
  );
  return { ...s.discovered, child: s.child, output: s.output, exited: s.exited };
}
