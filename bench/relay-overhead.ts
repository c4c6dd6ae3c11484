/**
 * `node --import tsx bench/relay-overhead.ts [--runs N]`: how long the real Claude Code CLI takes for
 * one scripted session (a Bash call, then text; http/protobuf) in each situation, N runs each (default
 * 3), loopback only, everything stopped at the end:
 *   direct, collector up         — the baseline
 *   relay, collector port closed — what a member on a train gets with the relay
 *   relay, collector answers 503
 *   direct, port closed / 503    — without the relay, for comparison (data is lost there)
 * Prints the median and the runs per situation, and one JSON line.
 */
import http from 'node:http';
import { runClaude } from '../test/support/claude-runner.js';
import { startTestCollector } from '../test/support/collector-fixture.js';
import { startMockAnthropic, type ScriptStep } from '../test/support/mock-anthropic.js';
import { freePort, startTestRelay } from '../test/support/relay-fixture.js';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const SCRIPT: ScriptStep[] = [
  { kind: 'tool_use', name: 'Bash', input: { command: 'echo ok', description: 'Print ok' } },
  { kind: 'text', text: 'Done.' },
];

async function unavailableServer(port: number): Promise<() => Promise<void>> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(503).end());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const mock = await startMockAnthropic();
  const time = async (endpoint: string): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      mock.script([...SCRIPT]);
      const r = await runClaude({
        prompt: 'Run echo ok',
        anthropicUrl: mock.url,
        protocol: 'http/protobuf',
        otlpEndpoint: endpoint,
      });
      if (r.exitCode !== 0) throw new Error(`claude failed: ${r.stderr}`);
      out.push(r.durationMs);
    }
    return out;
  };
  const results: Record<string, number[]> = {};

  const collector = await startTestCollector();
  results['direct, collector up'] = await time(collector.httpUrl);
  await collector.dispose();

  const closed = await freePort();
  const relayClosed = await startTestRelay(`http://127.0.0.1:${closed}`);
  results['relay, collector port closed'] = await time(relayClosed.httpUrl);
  await relayClosed.dispose();

  const busy = await freePort();
  const stop503 = await unavailableServer(busy);
  const relay503 = await startTestRelay(`http://127.0.0.1:${busy}`);
  results['relay, collector answers 503'] = await time(relay503.httpUrl);
  await relay503.dispose();
  results['direct, collector answers 503'] = await time(`http://127.0.0.1:${busy}`);
  await stop503();
  results['direct, collector port closed'] = await time(`http://127.0.0.1:${closed}`);
  await mock.close();

  const width = Math.max(...Object.keys(results).map((k) => k.length));
  process.stdout.write(`Claude Code run time, ${RUNS} runs each (ms):\n`);
  for (const [k, v] of Object.entries(results)) {
    process.stdout.write(`  ${k.padEnd(width)}  median ${median(v)}   runs ${v.join(', ')}\n`);
  }
  process.stdout.write(
    `${JSON.stringify(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { median: median(v), runs: v }])))}\n`,
  );
}

await main();
