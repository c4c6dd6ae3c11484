/**
 * demo: one tool call as Claude Code records it (with OTEL_LOG_TOOL_DETAILS=1). The permission
 * decision (tool_decision: accept from config or from the user after a wait, or reject with source
 * user_reject, which ends the call there), then the run (tool_result with `success` and `duration_ms`
 * as strings, ShellError on a failed Bash command, `tool_parameters` with bash_command/full_command for
 * Bash, `tool_input`, and the vcs.ref.head.* attributes after a commit). Counts lines of code, edit
 * decisions and commits; when traced, a claude_code.tool span with blocked_on_user and execution
 * children (status ERROR on failure).
 */
import { languageOf } from './demo-content.js';
import type { ContextWindow } from './demo-model-call.js';
import type { AttrMap } from './demo-otlp.js';
import type { ToolCall } from './demo-plan.js';
import type { ProcessRecorder, SpanRef } from './demo-process.js';
import type { Rng } from './demo-random.js';
import type { ModelName } from './demo-team.js';

/** What Claude Code sends as `error` for a Bash command that exited non-zero (as captured). */
const SHELL_ERROR = 'Shell command failed';

export interface ToolSite {
  rng: Rng;
  proc: ProcessRecorder;
  sessionId: string;
  member: string;
  branch: string;
  model: ModelName;
  ch: string;
  interactive: boolean;
  permissionMode: string;
  window: ContextWindow;
}

function decide(s: ToolSite, call: ToolCall): { decision: string; source: string } {
  if (call.reject) return { decision: 'reject', source: 'user_reject' };
  const edit = call.tool === 'Edit' || call.tool === 'Write';
  if (
    !s.interactive ||
    call.tool === 'Read' ||
    call.tool === 'Grep' ||
    (edit && s.permissionMode === 'acceptEdits')
  ) {
    return { decision: 'accept', source: 'config' };
  }
  const source = s.rng.weighted<string>([
    ['config', 5],
    ['user_temporary', 4],
    ['user_permanent', 1],
  ]);
  return { decision: 'accept', source };
}

export function toolCall(
  s: ToolSite,
  start: number,
  call: ToolCall,
  requestId: string,
  root: SpanRef | null,
): { end: number; rejected: boolean } {
  const { rng, proc } = s;
  const toolUseId = rng.toolUseId();
  const { tool, command, file } = call;
  const argv0 = command?.cmd.split(' ')[0] ?? '';
  const revision = call.commit ? rng.hex(40) : '';
  const params = command
    ? JSON.stringify({
        bash_command: argv0,
        full_command: command.cmd,
        ...(command.cls === 'build' || command.cls === 'test' ? { timeout: 600_000 } : {}),
        description: command.description,
        ...(call.commit ? { git_commit_id: revision.slice(0, 7), git_branch: s.branch } : {}),
      })
    : null;

  const { decision, source } = decide(s, call);
  const decidedAt = start + (source.startsWith('user') ? rng.skewed(1_200, 25_000) : rng.int(1, 60));
  const blockedRef = root ? { traceId: root.traceId, spanId: rng.hex(16) } : null;
  const toolRef = root ? { traceId: root.traceId, spanId: rng.hex(16) } : null;
  proc.event(
    decidedAt,
    'tool_decision',
    {
      decision,
      source,
      tool_name: tool,
      tool_use_id: toolUseId,
      tool_source: 'builtin',
      ...(params ? { tool_parameters: params } : {}),
      permission_mode: s.permissionMode,
      request_id: requestId,
    },
    blockedRef,
  );
  if (file && (tool === 'Edit' || tool === 'Write')) {
    const attrs = { decision, source, tool_name: tool, language: languageOf(file) };
    proc.count('claude_code.code_edit_tool.decision', attrs, 1, decidedAt);
  }
  const toolSpanAttrs: AttrMap = {
    tool_name: tool,
    tool_name_safe: tool,
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': tool,
    'gen_ai.conversation.id': s.sessionId,
    ...(command
      ? {
          full_command: command.cmd,
          ...(argv0 === 'git' ? { bash_command_class: 'vcs' } : {}),
          bash_argv0: argv0,
        }
      : {}),
    ...(file ? { file_path: pathOf(s, file) } : {}),
    tool_use_id: toolUseId,
    'gen_ai.tool.call.id': toolUseId,
  };
  const spans = (end: number): void => {
    if (!root || !toolRef || !blockedRef) return;
    proc.span(toolRef, root.spanId, 'claude_code.tool', start, end, {
      ...toolSpanAttrs,
      duration_ms: end - start,
    });
    const blocked = { duration_ms: decidedAt - start, decision, source };
    proc.span(blockedRef, toolRef.spanId, 'claude_code.tool.blocked_on_user', start, decidedAt, blocked);
  };

  if (call.reject) {
    const end = decidedAt + rng.int(1, 5);
    spans(end);
    return { end, rejected: true };
  }

  const execStart = decidedAt + rng.int(1, 4);
  const duration = durationOf(rng, call);
  const execEnd = execStart + duration;
  const resultAt = execEnd + rng.int(1, 5);
  const ok = !call.fail;
  const input = inputOf(s, call);
  proc.event(
    resultAt,
    'tool_result',
    {
      tool_name: tool,
      tool_use_id: toolUseId,
      success: String(ok),
      duration_ms: String(duration),
      ...(ok ? {} : { error_type: 'ShellError', error: SHELL_ERROR }),
      ...(params ? { tool_parameters: params } : {}),
      tool_input: input,
      tool_input_size_bytes: String(input.length),
      ...(ok ? { tool_result_size_bytes: String(rng.skewed(40, 24_000)) } : {}),
      request_id: requestId,
      ...(call.commit
        ? { 'vcs.ref.head.revision': revision, 'vcs.ref.head.name': s.branch, 'vcs.ref.head.type': 'branch' }
        : {}),
    },
    root,
  );
  if (ok && tool === 'Edit') countLines(s, rng.int(1, 40), rng.int(0, 25), resultAt);
  if (ok && tool === 'Write') countLines(s, rng.int(10, 150), 0, resultAt);
  if (ok && call.commit) proc.count('claude_code.commit.count', {}, 1, resultAt);
  s.window.pending += resultTokens(rng, call);
  proc.activeCliMs += duration;

  spans(resultAt - 1);
  if (root && toolRef) {
    proc.span(
      { traceId: root.traceId, spanId: rng.hex(16) },
      toolRef.spanId,
      'claude_code.tool.execution',
      execStart,
      execEnd,
      {
        tool_use_id: toolUseId,
        'gen_ai.tool.call.id': toolUseId,
        duration_ms: duration,
        success: ok,
        ...(ok ? {} : { 'error.type': 'tool_error', error: SHELL_ERROR, error_class: 'ShellError' }),
      },
      ok ? {} : { error: SHELL_ERROR },
    );
  }
  return { end: resultAt, rejected: false };
}

function countLines(s: ToolSite, added: number, removed: number, ms: number): void {
  for (const [type, n] of [
    ['added', added],
    ['removed', removed],
  ] as const) {
    if (n > 0) s.proc.count('claude_code.lines_of_code.count', { type, model: s.model }, n, ms);
  }
}

const pathOf = (s: ToolSite, file: string): string => `/home/${s.member}/book/${file}`;

function inputOf(s: ToolSite, call: ToolCall): string {
  const file = pathOf(s, call.file ?? 'chapters/glossary.md');
  switch (call.tool) {
    case 'Bash':
      return JSON.stringify({
        command: call.command?.cmd ?? '',
        description: call.command?.description ?? '',
      });
    case 'Read':
      return JSON.stringify({ file_path: file });
    case 'Edit':
      return JSON.stringify({
        file_path: file,
        old_string: 'The exporter sends each batch once.',
        new_string: 'The exporter retries a batch on 429 and 503, then drops it.',
        replace_all: false,
      });
    case 'Write':
      return JSON.stringify({
        file_path: file,
        content: `# Chapter ${s.ch}\n\nA first draft of the section.\n`,
      });
    case 'Grep':
      return JSON.stringify({ pattern: 'TODO|FIXME', path: 'chapters', output_mode: 'content' });
  }
}

function durationOf(rng: Rng, call: ToolCall): number {
  switch (call.tool) {
    case 'Bash': {
      const [lo, hi] = call.command?.ms ?? [20, 200];
      return rng.skewed(lo, hi);
    }
    case 'Read':
      return rng.int(3, 60);
    case 'Grep':
      return rng.skewed(15, 400);
    case 'Edit':
      return rng.int(8, 90);
    case 'Write':
      return rng.int(6, 60);
  }
}

/** Tokens the tool's result adds to the next call's context. */
function resultTokens(rng: Rng, call: ToolCall): number {
  switch (call.tool) {
    case 'Read':
      return rng.int(300, 6_000);
    case 'Bash':
      return call.fail ? rng.int(300, 4_000) : rng.int(20, 1_500);
    case 'Grep':
      return rng.int(50, 1_500);
    case 'Edit':
      return rng.int(80, 300);
    case 'Write':
      return rng.int(20, 60);
  }
}
