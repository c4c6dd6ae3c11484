/**
 * demo: one session of one member, recorded turn by turn the way Claude Code 2.1.328 reports it.
 * A process starts with managed_settings_resolved and three plugin_loaded events; each turn is a
 * user_prompt (a new prompt.id, and a claude_code.interaction span when traced), model calls
 * (demo-model-call.ts) and the tools they ask for (demo-tool-call.ts), ending in an
 * assistant_response, or earlier on a rejected tool or an API error. Near a full context window the
 * turn starts with an auto compaction. `--resume` continues in a second process: the same session.id,
 * the sequence from 0, a throw-away id on its early events (reference §0 point 8).
 */
import { RESPONSES } from './demo-content.js';
import { ContextWindow, modelCall, type CallKind, type CallSite } from './demo-model-call.js';
import type { AttrMap, OtlpLogRecord, OtlpMetric, OtlpSpan } from './demo-otlp.js';
import { TURNS_PER_SESSION, TurnPlanner, type Outcome, type Step } from './demo-plan.js';
import { ProcessRecorder, type SpanRef } from './demo-process.js';
import { Rng } from './demo-random.js';
import { chapterOf, type Branch, type Member, type ModelName } from './demo-team.js';
import { toolCall, type ToolSite } from './demo-tool-call.js';

export interface SessionSpec {
  seed: number;
  member: Member;
  branch: Branch;
  startMs: number;
  /** An API incident that day: many 529 overloaded answers. */
  incident: boolean;
}

/** What one Claude Code process sent. */
export interface ProcessTelemetry {
  resource: AttrMap;
  records: OtlpLogRecord[];
  spans: OtlpSpan[];
  metrics: OtlpMetric[];
  /** When its last export left: nothing in it is later. */
  endMs: number;
}

const COMPACT_AT_TOKENS = 150_000;

/** The three built-in plugins every 2.1.328 run loads (names and hashes as captured). */
const PLUGINS: readonly (readonly [string, string])[] = [
  ['cc-plugin-agents-md', 'da63145d0acbb62d'],
  ['cc-plugin-privacy', 'a2f27f067781660d'],
  ['cc-plugin-plugin-authoring', '559932fe5f722b82'],
];

export function simulateSession(spec: SessionSpec): ProcessTelemetry[] {
  return new SessionSim(spec).run();
}

class SessionSim {
  private readonly rng: Rng;
  private readonly sessionId: string;
  private readonly interactive: boolean;
  /** Raw query_source of the main thread: `repl_main_thread` interactive, `sdk` for `claude -p`. */
  private readonly querySource: string;
  private readonly model: ModelName;
  private readonly permissionMode: string;
  private readonly plan: TurnPlanner;
  private readonly window = new ContextWindow();
  private readonly processes: ProcessTelemetry[] = [];
  private proc: ProcessRecorder;
  private interactionSeq = 0;
  private t: number;

  constructor(private readonly spec: SessionSpec) {
    const rng = (this.rng = new Rng(spec.seed));
    this.sessionId = rng.uuid();
    this.interactive = !rng.chance(spec.member.sdkShare);
    this.querySource = this.interactive ? 'repl_main_thread' : 'sdk';
    this.model = rng.chance(spec.member.opusShare) ? 'claude-opus-4-1' : 'claude-sonnet-4-5';
    this.permissionMode = this.interactive && rng.chance(0.25) ? 'acceptEdits' : 'default';
    this.plan = new TurnPlanner(
      rng,
      spec.branch,
      chapterOf(spec.branch, rng),
      this.interactive,
      this.permissionMode,
    );
    this.t = spec.startMs;
    this.proc = this.startProcess('fresh');
  }

  run(): ProcessTelemetry[] {
    const rng = this.rng;
    // `claude -p` is one prompt per process.
    const turns = this.interactive ? rng.weighted(TURNS_PER_SESSION) : 1;
    const streakAt = this.interactive && turns >= 3 && rng.chance(0.16) ? rng.int(0, turns - 2) : -1;
    const resumeAt = this.interactive && turns >= 4 && rng.chance(0.08) ? rng.int(2, turns - 1) : -1;
    const commit = this.interactive && turns >= 3 && rng.chance(0.35);
    let outcome: Outcome = 'ok';
    // A streak, once started, runs until its command passes (bounded, should the API keep failing).
    for (let i = 0; i < turns || (this.plan.inStreak && i < turns + 10); i++) {
      if (i === resumeAt) {
        this.endProcess();
        this.t += rng.int(40, 180) * 60_000;
        this.proc = this.startProcess('resume');
      }
      if (i === streakAt) this.plan.startStreak();
      const commitTurn = commit && i === turns - 1 && !this.plan.inStreak;
      const prompt = this.plan.prompt(i, i === resumeAt, outcome, commitTurn);
      outcome = this.turn(prompt, this.plan.steps(commitTurn));
      if (!this.interactive) break;
      const think = rng.skewed(15_000, 600_000);
      this.proc.activeUserMs += Math.min(think, rng.int(4_000, 45_000));
      this.t += think;
    }
    this.endProcess();
    return this.processes;
  }

  private get callSite(): CallSite {
    const { rng, proc, sessionId, model, window } = this;
    return { rng, proc, sessionId, model, window, member: this.spec.member, incident: this.spec.incident };
  }

  private get toolSite(): ToolSite {
    const { rng, proc, sessionId, model, window, interactive, permissionMode } = this;
    return {
      rng,
      proc,
      sessionId,
      model,
      window,
      interactive,
      permissionMode,
      member: this.spec.member.name,
      branch: this.spec.branch.name,
      ch: this.plan.ch,
    };
  }

  private startProcess(startType: 'fresh' | 'resume'): ProcessRecorder {
    const rng = this.rng;
    const start = this.t;
    const proc = new ProcessRecorder(
      {
        member: this.spec.member,
        branch: this.spec.branch.name,
        sessionId: this.sessionId,
        earlySessionId: startType === 'fresh' ? this.sessionId : rng.uuid(),
        startMs: start,
        startType,
      },
      rng,
    );
    this.interactionSeq = 0;
    this.window.lastCallEnd = null;
    proc.event(
      start,
      'managed_settings_resolved',
      {
        'managed_settings.trigger': 'startup',
        'managed_settings.sources': [],
        'managed_settings.source_behavior': 'first-wins',
        'managed_settings.helper.state': 'none',
        'managed_settings.helper.applied': 'none',
      },
      null,
    );
    const pluginsAt = start + rng.int(50, 90);
    PLUGINS.forEach(([name, hash], i) =>
      proc.event(
        pluginsAt + (i === 0 ? 0 : 1),
        'plugin_loaded',
        {
          'plugin.name': name,
          'marketplace.name': 'builtin',
          'plugin.scope': 'default-bundle',
          enabled_via: 'default-enable',
          plugin_id_hash: hash,
          has_hooks: true,
          has_mcp: false,
          host_owned_mcp: false,
          skill_path_count: 0,
          command_path_count: 0,
          agent_path_count: 0,
          safe_mode: 'false',
        },
        null,
      ),
    );
    proc.flush();
    // Interactive: the member types the first prompt; `claude -p`: it is already there.
    this.t = pluginsAt + (this.interactive ? rng.int(4_000, 40_000) : rng.int(100, 300));
    return proc;
  }

  /** The process exits: its metrics go out in one last export. */
  private endProcess(): void {
    const exportMs = this.t + this.rng.int(20, 400);
    const p = this.proc;
    this.processes.push({
      resource: p.resource(),
      records: p.records,
      spans: p.spans,
      metrics: p.metrics(exportMs),
      endMs: exportMs,
    });
  }

  private callKind(stop: CallKind['stop'], writes = false): CallKind {
    return { stop, writes, querySource: this.querySource, metricSource: 'main' };
  }

  private turn(prompt: string, steps: Step[]): Outcome {
    const { rng, proc } = this;
    const t0 = this.t;
    proc.promptId = rng.uuid();
    this.interactionSeq++;
    const root: SpanRef | null = this.spec.member.traces
      ? { traceId: rng.hex(32), spanId: rng.hex(16) }
      : null;
    const shown = this.spec.member.logPrompts ? prompt : '<REDACTED>';
    const promptAt = t0 + rng.int(40, 140);
    proc.event(
      promptAt,
      'user_prompt',
      { prompt_length: String(prompt.length), prompt: shown, prompt_text: shown, 'message.uuid': rng.uuid() },
      root,
    );
    this.window.pending += Math.ceil(prompt.length / 4) + 20;
    let t = promptAt + rng.int(60, 250);
    if (this.interactive && this.window.size > COMPACT_AT_TOKENS) t = this.compact(t, root);
    let outcome: Outcome = 'ok';
    for (let i = 0; i <= steps.length; i++) {
      const tools = steps[i] ?? [];
      const final = i === steps.length;
      const writes = tools.some((x) => x.tool === 'Write');
      const call = modelCall(this.callSite, t, this.callKind(final ? 'end_turn' : 'tool_use', writes), root);
      t = call.end;
      if (!call.ok) {
        outcome = 'error';
        break;
      }
      if (final) {
        const response = rng.pick(RESPONSES);
        proc.event(
          t + 1,
          'assistant_response',
          {
            response_length: response.length,
            response: this.spec.member.logPrompts ? response : '<REDACTED>',
            request_id: call.requestId,
            'message.uuid': rng.uuid(),
            model: this.model,
            query_source: this.querySource,
          },
          root,
        );
        t += 1;
        break;
      }
      // Tools start while the response still streams, so just before its api_request is logged.
      let toolAt = call.end - rng.int(20, 90);
      let rejected = false;
      for (const tool of tools) {
        const r = toolCall(this.toolSite, toolAt, tool, call.requestId, root);
        toolAt = r.end + rng.int(2, 25);
        rejected = r.rejected;
        if (rejected) break;
      }
      t = Math.max(toolAt, call.end + 1);
      if (rejected) {
        outcome = 'rejected';
        break;
      }
      t += rng.int(20, 250);
    }
    const end = t + rng.int(5, 30);
    if (root) {
      proc.span(root, null, 'claude_code.interaction', t0, end, {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.conversation.id': this.sessionId,
        user_prompt: shown,
        user_prompt_length: prompt.length,
        'interaction.sequence': this.interactionSeq,
        'parent.source': 'none',
        queued_sends: 0,
        'interaction.duration_ms': end - t0,
      });
    }
    proc.flush();
    this.t = end;
    return outcome;
  }

  /** Auto compaction when the context nears the window: a summarizing call, then a fresh context. */
  private compact(start: number, root: SpanRef | null): number {
    const pre = this.window.size;
    const kind: CallKind = {
      stop: 'end_turn',
      writes: false,
      querySource: 'compact',
      metricSource: 'compaction',
    };
    const call = modelCall(this.callSite, start, kind, root);
    if (!call.ok) return call.end;
    const post = this.rng.int(18_000, 26_000);
    this.proc.event(
      call.end + 2,
      'compaction',
      {
        trigger: 'auto',
        success: 'true',
        duration_ms: String(call.end - start),
        pre_tokens: String(pre),
        post_tokens: String(post),
      },
      root,
    );
    this.window.reset(post);
    return call.end + this.rng.int(20, 80);
  }
}
