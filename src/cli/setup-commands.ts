/**
 * A member's commands: `unsilo setup` (configure Claude Code on this machine; --print, --undo),
 * `unsilo hook <event>` (what Claude Code runs: silent, always exit 0) and `unsilo doctor` (check the
 * whole chain; exit 0 only when every check passes; --json for scripts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { claudeVersion, findClaude } from '../setup/claude-binary.js';
import { runContextHook } from '../setup/context-hook.js';
import { applySetup, planSetup, type SetupOptions, type SetupPlan } from '../setup/run-setup.js';
import { SettingsSyntaxError } from '../setup/settings-file.js';
import { setupPaths, tilde, type SetupPaths } from '../setup/setup-paths.js';
import { undoAll } from '../setup/setup-state.js';
import { shellExports } from '../setup/shell-exports.js';
import { checkCaCert, PROTOCOLS, SetupError, type OtlpProtocol } from '../setup/telemetry-vars.js';
import { defaultRelayDir } from '../config/relay-config.js';
import { CliError } from './cli-error.js';
import { wholeNumber } from './query-commands.js';

interface SetupFlags {
  server?: string;
  token?: string;
  scope: 'user' | 'project';
  protocol: OtlpProtocol;
  grpcPort: number;
  endpoint?: string;
  projectDir: string;
  logPrompts?: boolean;
  logToolDetails?: boolean;
  traces?: boolean;
  debug?: boolean;
  caCert?: string;
  print?: boolean;
  undo?: boolean;
  relay?: boolean;
  relayPort: number;
  relayGrpcPort: number;
  relayWatch?: boolean;
}

const out = (s: string): void => {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
};

function printPlan(plan: SetupPlan, paths: SetupPaths): string {
  const lines = ['unsilo setup --print: nothing is written.', ''];
  for (const f of plan.files) {
    const mode = f.mode === undefined ? '' : ` (mode 0${f.mode.toString(8)})`;
    const verb =
      f.before === f.after ? 'stays as it is' : f.before === null ? 'would be created' : 'would become';
    lines.push(`${tilde(f.file, paths.home)}${mode} ${verb}:`, f.after.trimEnd(), '');
  }
  lines.push('Or, as shell exports (the hooks still need client.json):', shellExports(plan.vars));
  return lines.join('\n');
}

function summary(plan: SetupPlan, o: SetupFlags, paths: SetupPaths, claude: string | null): string {
  const lines = o.relay
    ? [
        `Claude Code will send its telemetry over ${plan.protocol} to the relay on this machine (${plan.endpoint}),`,
        `which keeps it on disk and forwards it to ${plan.server}. The SessionStart hook starts the relay`,
        'whenever Claude Code starts (`unsilo relay status` shows what it holds).',
      ]
    : [`Claude Code will send its telemetry to ${plan.endpoint} over ${plan.protocol}.`];
  for (const f of applySetup(plan, paths)) {
    lines.push(`  ${f.changed ? 'wrote    ' : 'unchanged'} ${tilde(f.file, paths.home)}: ${f.holds}`);
    if (f.changed && f.backup)
      lines.push(`            backup of the previous file: ${tilde(f.backup, paths.home)}`);
  }
  lines.push(
    o.logPrompts
      ? 'Prompt text is sent (--log-prompts).'
      : 'Prompt text is not sent (--log-prompts sends it).',
    o.logToolDetails
      ? 'Tool details (commands, file paths) are sent (--log-tool-details).'
      : 'Tool details are not sent (--log-tool-details sends them).',
    'Next: start Claude Code as usual, then check the whole chain with `unsilo doctor`.',
  );
  if (!claude)
    lines.push(
      'Note: `claude --version` found no Claude Code on PATH here; install it (or fix PATH) before you start it.',
    );
  return lines.join('\n');
}

async function setup(o: SetupFlags): Promise<string> {
  const paths = setupPaths();
  if (o.undo) {
    const results = undoAll(paths);
    if (results.length === 0) return 'Nothing to undo: setup has not changed anything for this user.';
    return results
      .map((r) => `${r.action.padEnd(9)} ${tilde(r.file, paths.home)}${r.note ? ` (${r.note})` : ''}`)
      .join('\n');
  }
  if (!o.server || !o.token) {
    throw new CliError(
      'setup needs --server URL and --token T: the line your coordinator sent looks like ' +
        '`npx unsilo setup --server http://collector:4318 --token uns_…`',
    );
  }
  const claude = findClaude(process.env);
  const options: SetupOptions = {
    server: o.server,
    token: o.token,
    protocol: o.protocol,
    grpcPort: o.grpcPort,
    endpoint: o.endpoint,
    scope: o.scope,
    projectDir: path.resolve(o.projectDir),
    logPrompts: o.logPrompts === true,
    logToolDetails: o.logToolDetails === true,
    traces: o.traces === true,
    debug: o.debug === true,
    caCert:
      o.caCert === undefined
        ? undefined
        : checkCaCert(path.resolve(o.caCert), (f) => readFileSync(f, 'utf8')),
    claudeVersion: claude ? await claudeVersion(claude, process.env) : null,
    relay: o.relay
      ? {
          port: o.relayPort,
          grpcPort: o.relayGrpcPort,
          dataDir: defaultRelayDir(process.env),
          ...(o.relayWatch ? { watch: true } : {}),
        }
      : null,
  };
  const plan = planSetup(options, paths);
  return o.print ? printPlan(plan, paths) : summary(plan, o, paths, options.claudeVersion);
}

export function registerSetupCommands(program: Command): void {
  program
    .command('setup')
    .description("configure Claude Code on this machine to send its telemetry to the team's collector")
    .option('--server <url>', "the collector's URL, e.g. http://collector.example:4318")
    .option('--token <token>', 'your ingest token (uns_…), from your coordinator')
    .addOption(
      new Option(
        '--scope <scope>',
        'user: ~/.claude/settings.json; project: also the repository’s .claude/settings.json',
      )
        .choices(['user', 'project'])
        .default('user'),
    )
    .addOption(
      new Option('--protocol <protocol>', 'OTLP protocol').choices(PROTOCOLS).default('http/protobuf'),
    )
    .option(
      '--grpc-port <port>',
      "the collector's gRPC port, for --protocol grpc",
      wholeNumber('--grpc-port'),
      4317,
    )
    .option('--endpoint <url>', 'OTLP endpoint when it is not --server (a proxy)')
    .option('--project-dir <dir>', 'the repository, for --scope project', '.')
    .option('--log-prompts', 'also send the text of your prompts (OTEL_LOG_USER_PROMPTS=1)')
    .option('--log-tool-details', 'also send tool details: commands, file paths (OTEL_LOG_TOOL_DETAILS=1)')
    .option('--traces', 'also send traces (beta; one span tree per turn)')
    .option('--debug', "add the console exporter next to OTLP (telemetry shows on Claude Code's output)")
    .option(
      '--ca-cert <file>',
      "trust this PEM CA certificate for the collector's HTTPS/TLS (self-signed or private CA)",
    )
    .option(
      '--relay',
      'send through a relay on this machine that buffers on disk while the collector is unreachable',
    )
    .option(
      '--relay-port <port>',
      "the relay's OTLP/HTTP port on 127.0.0.1",
      wholeNumber('--relay-port'),
      4318,
    )
    .option(
      '--relay-grpc-port <port>',
      "the relay's OTLP/gRPC port on 127.0.0.1",
      wholeNumber('--relay-grpc-port'),
      4317,
    )
    .option(
      '--relay-watch',
      'with --relay: the relay also fills gaps from the transcripts in ~/.claude/projects as sessions end',
    )
    .option('--print', 'show what setup would write, as files and as shell exports; change nothing')
    .option('--undo', 'put back every file as it was before setup')
    .action(async (o: SetupFlags) => {
      try {
        out(await setup(o));
      } catch (err) {
        if (err instanceof SettingsSyntaxError || err instanceof SetupError) throw new CliError(err.message);
        throw err;
      }
    });

  program
    .command('hook')
    .description(
      '(run by Claude Code) send the session context, or a Bash call’s command and exit code: reads the hook input on stdin, prints nothing',
    )
    .argument('<event>', 'SessionStart, UserPromptSubmit, PostToolUse or PostToolUseFailure')
    .action(async (event: string) => {
      await runContextHook(event, setupPaths());
    });

  program
    .command('doctor')
    .description('check every link from Claude Code to the collector; exit 0 only when all pass')
    .option('--json', 'print the result as JSON')
    .option('--claude <path>', 'the claude command to check (default: claude on PATH)')
    .option('--project-dir <dir>', 'where you run Claude Code (its project settings count too)', '.')
    .action(async (o: { json?: boolean; claude?: string; projectDir: string }) => {
      // Loaded here: the doctor pulls in gRPC and the protobuf schema, which the hook must not pay for.
      const { runDoctor, renderDoctor } = await import('../doctor/run-doctor.js');
      const report = await runDoctor({
        paths: setupPaths(),
        env: process.env,
        projectDir: path.resolve(o.projectDir),
        claude: o.claude,
      });
      out(o.json ? JSON.stringify(report, null, 2) : renderDoctor(report));
      if (!report.ok) process.exitCode = 1;
    });
}
