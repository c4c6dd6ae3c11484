/**
 * Every check `unsilo doctor` runs and every failure it can report, as data: the symptom, the cause
 * and the fix. docs/troubleshooting.md carries a section generated from this list (a test keeps the
 * two equal), and each failure line that doctor prints points to its anchor there.
 */
export const CHECKS = [
  { id: 'claude', title: 'Claude Code installed' },
  { id: 'settings', title: 'Settings present' },
  { id: 'variables', title: 'Variables Claude Code will see' },
  { id: 'relay', title: 'Local relay' },
  { id: 'collector', title: 'Collector reachable' },
  { id: 'token', title: 'Token accepted' },
  { id: 'endpoint', title: 'OTLP endpoint speaks the protocol' },
  { id: 'hooks', title: 'unsilo hooks' },
  { id: 'round-trip', title: 'Round trip' },
  { id: 'redaction', title: 'Redaction canary' },
] as const;
export type CheckId = (typeof CHECKS)[number]['id'];

export interface Failure {
  id: string;
  /** The check that reports it (some failures can come from two checks; this is the usual one). */
  check: CheckId;
  symptom: string;
  cause: string;
  fix: string;
}

const SETUP = '`unsilo setup --server URL --token T`';

const LIST = [
  [
    'claude',
    'claude-missing',
    'Claude Code is not installed, or not on PATH',
    '`claude` was not found on PATH, so doctor cannot tell which Claude Code will run (it may be installed for another user or another shell).',
    'Install Claude Code (`npm install -g @anthropic-ai/claude-code`) or put it on PATH; pass `--claude /path/to/claude` if it lives elsewhere.',
  ],
  [
    'claude',
    'claude-broken',
    '`claude --version` fails',
    'The installation is broken or incomplete (an interrupted upgrade, a missing native binary).',
    'Reinstall Claude Code (`npm install -g @anthropic-ai/claude-code`) and check that `claude --version` prints a version.',
  ],
  [
    'claude',
    'claude-upgraded',
    'Telemetry silently off after a Claude Code upgrade',
    'Claude Code changed version after setup checked the settings. A release can rename a variable or change which settings it reads; telemetry then stops without an error while sessions look normal.',
    `Run ${SETUP} again (it rewrites nothing that is still right and records the new version), then \`unsilo doctor\`. If doctor passes but no events arrive, run \`claude -p hi --debug-file /tmp/cc.log\` and look for \`First logs export\` in /tmp/cc.log.`,
  ],
  [
    'settings',
    'settings-missing',
    'No telemetry settings in ~/.claude/settings.json',
    'Setup has not run for this user, or the file was replaced since (another tool, a dotfiles sync).',
    `Run ${SETUP} (the line your coordinator sent).`,
  ],
  [
    'settings',
    'settings-invalid',
    'A settings file is not valid JSON',
    'Claude Code skips a settings file it cannot parse, with every variable in it.',
    'Fix the JSON at the line and column doctor prints, then run `unsilo setup` again.',
  ],
  [
    'settings',
    'client-config-missing',
    'No ~/.config/unsilo/client.json',
    'The hooks and doctor read the collector URL and the token from this file (hooks see no OTEL_* variables); setup writes it.',
    `Run ${SETUP} again.`,
  ],
  [
    'settings',
    'client-config-open',
    'client.json can be read by other users',
    'The file holds your token: other users of this machine could send data in your name.',
    'Run `chmod 600 ~/.config/unsilo/client.json` (setup does this whenever it runs).',
  ],
  [
    'variables',
    'telemetry-off',
    'Telemetry is off',
    '`CLAUDE_CODE_ENABLE_TELEMETRY` is not `1` in what Claude Code reads (user or managed settings, the environment): Claude Code then sends nothing, and says nothing.',
    'Run `unsilo setup` again; if doctor names an environment variable or a managed setting that turns it off, remove it there (a managed setting is for whoever manages the machine).',
  ],
  [
    'variables',
    'variable-missing',
    'A telemetry variable is missing',
    'Without `OTEL_LOGS_EXPORTER=otlp` Claude Code exports no events, without `OTEL_METRICS_EXPORTER=otlp` no metrics, and without `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_PROTOCOL` telemetry does not start at all.',
    'Run `unsilo setup` again: it puts back the missing variables and changes nothing else.',
  ],
  [
    'variables',
    'project-only',
    'Telemetry variables only in project settings',
    'Claude Code ignores the telemetry switch, exporters, endpoint, protocol and headers in `.claude/settings.json` and `.claude/settings.local.json`: a project can only turn telemetry off.',
    `Put them in your user settings: ${SETUP} (user scope, the default).`,
  ],
  [
    'variables',
    'protocol-invalid',
    'Unknown OTLP protocol',
    '`OTEL_EXPORTER_OTLP_PROTOCOL` must be `http/protobuf`, `http/json` or `grpc`; any other value keeps the exporter from starting.',
    'Run `unsilo setup` again (add `--protocol grpc` for gRPC).',
  ],
  [
    'variables',
    'wrong-protocol',
    'Wrong port for the protocol (or wrong protocol for the port)',
    '`http/protobuf` and `http/json` go to the collector’s HTTP port (4318 by default), `grpc` to its gRPC port (4317). The other port does not understand the request, and Claude Code drops the data.',
    'Run `unsilo setup` again with a matching pair: the default `--protocol http/protobuf` sends to the server URL (port 4318); `--protocol grpc --grpc-port 4317` sends to the gRPC port.',
  ],
  [
    'variables',
    'endpoint-path',
    'The endpoint ends with /v1/logs',
    '`OTEL_EXPORTER_OTLP_ENDPOINT` is the base URL: Claude Code appends `/v1/logs` and `/v1/metrics` itself, so `…/v1/logs` becomes `…/v1/logs/v1/logs` (404). Only the per-signal `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` takes the full path.',
    'Drop the `/v1/…` suffix: run `unsilo setup --server http://HOST:4318 --token T` again.',
  ],
  [
    'variables',
    'overridden',
    'Another setting overrides what setup wrote',
    'A managed setting, a project setting that turns an exporter off, or a per-signal variable (`OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, `…_LOGS_PROTOCOL`, `…_LOGS_HEADERS`) set anywhere wins over `~/.claude/settings.json`.',
    'Remove the variable doctor names from the place it names (your shell profile, the project’s `.claude/settings*.json`); a managed setting is for whoever manages the machine to change.',
  ],
  [
    'relay',
    'relay-down',
    'The relay is not running (relay mode)',
    'Setup pointed Claude Code at a relay on this machine, and none runs: the SessionStart hook starts it with the next Claude Code session, so it was stopped since, or it failed to start (a port taken by another program, a full disk; its log says which). Until it runs, Claude Code’s telemetry goes nowhere.',
    'Start a Claude Code session (the hook starts the relay), or start it yourself: `unsilo relay --upstream URL --token T`; if it stops again, read `~/.local/share/unsilo/relay/relay.log`. To send straight to the collector instead, run `unsilo setup` again without `--relay`.',
  ],
  [
    'relay',
    'relay-dropped',
    'The relay dropped telemetry',
    'The relay keeps at most `buffer.maxBytes` (512 MiB) for at most `buffer.maxAgeHours` (7 days); past either bound it drops the oldest batches to keep going, and a batch the collector refuses for good (HTTP 400, 413) is dropped too. `unsilo relay status` shows how much and the last reason.',
    'If the collector was unreachable for long, raise the bounds in the relay’s config (`unsilo relay --config FILE`, `buffer.maxBytes`, `buffer.maxAgeHours`); for refused batches, tell the coordinator what `unsilo relay status` prints. Sessions whose telemetry was dropped can be filled in from their transcripts: `unsilo import transcripts`.',
  ],
  [
    'collector',
    'collector-down',
    'The collector is down (connection refused)',
    'Nothing listens at the server URL: the collector is stopped, or listens on another port. Claude Code does not retry refused connections and keeps nothing on disk, so events sent meanwhile are lost.',
    'Start the collector (`npx unsilo serve` on its machine) or ask your coordinator to; check the port in the URL you gave setup.',
  ],
  [
    'collector',
    'collector-unreachable',
    'The collector cannot be reached (wrong URL, host or firewall)',
    'The host name does not resolve or the connection times out: a typo in the URL, a collector listening only on 127.0.0.1, or a firewall.',
    'Check the URL your coordinator sent and run `unsilo setup --server http://HOST:4318 --token T` again; the collector must listen beyond loopback (`unsilo serve --host 0.0.0.0`) with its ports open.',
  ],
  [
    'collector',
    'not-a-collector',
    'Something else answers at the server URL',
    'The URL answers, but not as an unsilo collector (`GET /healthz` did not return `{"status":"ok"}`): a wrong port or path, or a proxy in front of it.',
    'Use the collector’s HTTP URL (`http://HOST:4318` by default) in `unsilo setup --server`.',
  ],
  [
    'token',
    'token-missing',
    '401: the collector requires a token and none is set',
    'The collector requires a member’s token on every request (it listens beyond loopback), and `OTEL_EXPORTER_OTLP_HEADERS` carries no `Authorization=Bearer …`.',
    `Ask your coordinator for your token (\`unsilo members add <name>\`) and run ${SETUP}.`,
  ],
  [
    'token',
    'token-invalid',
    '401: the token is not valid',
    'The collector does not know this token: a copy-paste error, a token from another collector, or the admin token (it manages members and cannot send data).',
    `Copy your token again exactly as the coordinator sent it (or ask for a new one: \`unsilo members rotate <name>\`) and run ${SETUP}.`,
  ],
  [
    'token',
    'token-revoked',
    '401: the token was revoked or replaced',
    'A coordinator revoked or rotated your token (`unsilo members revoke|rotate`); the old token stops working at once.',
    'Ask your coordinator for your new token and run `unsilo setup --server URL --token NEW`.',
  ],
  [
    'token',
    'token-mismatch',
    'The hooks and Claude Code use different tokens',
    '`OTEL_EXPORTER_OTLP_HEADERS` and client.json hold different tokens (one was edited by hand), so session context and events can land under different members or be refused.',
    `Run ${SETUP} again: it writes the same token to both.`,
  ],
  [
    'endpoint',
    'endpoint-closed',
    'Nothing listens at the OTLP endpoint (wrong port)',
    'The collector’s API answers, but the endpoint Claude Code sends to refuses connections: a wrong port in `OTEL_EXPORTER_OTLP_ENDPOINT`, or the gRPC port is closed.',
    'Run `unsilo setup` again: the HTTP endpoint is the server URL itself; for gRPC pass `--protocol grpc --grpc-port <the collector’s gRPC port>`.',
  ],
  [
    'endpoint',
    'endpoint-unreachable',
    'The OTLP endpoint cannot be reached',
    'The endpoint’s host does not resolve or does not answer in time.',
    'Check the host in `OTEL_EXPORTER_OTLP_ENDPOINT` (doctor prints it) and run `unsilo setup` again with the collector’s URL.',
  ],
  [
    'hooks',
    'hooks-missing',
    'The unsilo hooks are not all installed',
    'Without the `SessionStart` and `UserPromptSubmit` hooks the collector gets no branch, repository or commit, so sessions have no feature or chapter; without `PostToolUse` and `PostToolUseFailure` (Bash) it sees no validation command unless `OTEL_LOG_TOOL_DETAILS=1`, so the validation signals count nothing. A setup from before the tool hooks existed lacks the last two.',
    'Run `unsilo setup` again: it reinstalls the hooks and changes nothing else.',
  ],
  [
    'hooks',
    'hooks-broken',
    'A hook points to a missing program',
    'The hook runs node and unsilo by absolute path, and one of them moved since setup (an upgrade, a deleted clone, a cleaned `npx` cache): the hook fails in every session.',
    'Run `unsilo setup` again from where unsilo is installed now.',
  ],
  [
    'hooks',
    'hooks-disabled',
    'Hooks are disabled',
    '`disableAllHooks: true` in a settings file stops every hook, unsilo’s too.',
    'Remove `disableAllHooks` from the file doctor names (in managed settings: ask whoever manages the machine).',
  ],
  [
    'hooks',
    'hooks-failing',
    'The last hook run failed',
    'The hook could not send the session context or a tool outcome; the error doctor prints says why (collector down, token refused, timeout). A hook never blocks Claude Code, so only doctor shows this.',
    'Fix what the other checks report (collector, token), then start a new Claude Code session; doctor shows the next run.',
  ],
  [
    'hooks',
    'hooks-not-firing',
    'Hooks not firing',
    'Claude Code ran sessions since setup (their transcripts are in ~/.claude/projects) but the hooks never ran for them: hooks turned off by a policy, a workspace Claude Code does not trust yet, or Claude Code running with another HOME or CLAUDE_CONFIG_DIR.',
    'Start `claude` with the same HOME, accept the workspace trust prompt, and check that `/hooks` inside Claude Code lists the unsilo hooks; then run `unsilo setup` again.',
  ],
  [
    'round-trip',
    'export-rejected',
    'The collector refused the test event',
    'The export got an error status, which doctor prints: 404 for a wrong path, 413 too large, 415 wrong content type, 429 or 503 when the collector’s store is behind or its disk is full.',
    'Act on the status doctor prints (the table under “Requests arrive but are refused” explains each); a full disk or a store error is for the coordinator.',
  ],
  [
    'round-trip',
    'not-stored',
    'The test event was accepted but not stored',
    'The export succeeded, but the collector at the server URL did not store it within 10 s: the endpoint points to another collector (or a proxy) than the server URL, or the collector’s store is failing (`GET /readyz` answers 503).',
    'Make the endpoint and the server the same collector (`unsilo setup` again); ask the coordinator to check the collector’s log and `/readyz`.',
  ],
  [
    'round-trip',
    'doctor-api-missing',
    'The collector is older than this unsilo',
    'The collector does not know `GET /api/doctor/:id`, so doctor cannot confirm the round trip.',
    'Upgrade the collector to this unsilo version, then run `unsilo doctor` again.',
  ],
  [
    'redaction',
    'redaction-leak',
    'A secret would be stored',
    'The collector ran its redaction canary (a realistic fake secret per detector, in a Bash command, a JSON tool input and a prompt) through its configured rules, and some survived. Configured field rules cannot cause this (a kept field still goes through the detectors): the collector runs detector code that misses a kind of secret, e.g. a modified or outdated build.',
    'On the collector, run `unsilo redact --test` with its config file: it names each detector whose canary survives and where. Until the collector runs a build that passes, add `drop` (or `redact`) rules in `redaction.fields` for the fields named there, or use `redaction.mode: "allow"`, and restart it.',
  ],
] as const satisfies readonly (readonly [CheckId, string, string, string, string])[];

export type FailureId = (typeof LIST)[number][1];

export const FAILURES: readonly Failure[] = LIST.map(([check, id, symptom, cause, fix]) => ({
  check,
  id,
  symptom,
  cause,
  fix,
}));

export const failure = (id: FailureId): Failure => FAILURES.find((x) => x.id === id) as Failure;

export const DOCS_FILE = 'docs/troubleshooting.md';
export const docsLink = (id: string): string => `${DOCS_FILE}#${id}`;
