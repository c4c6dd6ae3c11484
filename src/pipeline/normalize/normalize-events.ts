/**
 * normalize (logs): one OTLP log record → one `events` row with typed columns and the original
 * attributes and resource as JSON. The event name is `event.name`, else OTLP `eventName`, else the body
 * without its `claude_code.` prefix (Claude Code puts it in the body and in `event.name`). Unknown event
 * names are kept. The key is the id the event shares with transcripts (request id, tool use id, message
 * uuid; see identity.ts) when it has one, else a hash of the whole content: (session.id, event.sequence)
 * is not unique, since the sequence restarts in every process and --resume reuses the session id.
 */
import type { Attributes, DecodedLogRecord, DecodedLogs } from '../../model/otlp.js';
import type { EventRow } from '../../model/records.js';
import { DEFAULT_INPUT_LIMITS } from '../sanitize/input-limits.js';
import { SanitizeTally } from '../sanitize/sanitize-tally.js';
import { toBool, toInt, toNum, toStr } from './coerce.js';
import { eventKey, memberOf } from './identity.js';
import { normalizeContext, type NormalizeContext } from './time-bounds.js';

const PREFIX = 'claude_code.';

function eventNameOf(r: DecodedLogRecord): string {
  const raw = toStr(r.attributes['event.name']) ?? (r.eventName || null) ?? toStr(r.body) ?? 'unknown';
  return raw.startsWith(PREFIX) ? raw.slice(PREFIX.length) : raw;
}

/** The shell command of a tool call: tool_parameters.full_command, else tool_input.command. */
function commandOf(a: Attributes): string | null {
  for (const [field, key] of [
    ['tool_parameters', 'full_command'],
    ['tool_input', 'command'],
  ] as const) {
    const raw = a[field];
    if (typeof raw !== 'string' || !raw.includes(key)) continue;
    try {
      const parsed = JSON.parse(raw) as Record<string, unknown>;
      if (typeof parsed[key] === 'string') return parsed[key];
    } catch {
      // Truncated by Claude Code's length limit: no command to read.
    }
  }
  return null;
}

const BRANCH_KEYS = ['vcs.ref.head.name', 'branch', 'git.branch'];

function branchOf(a: Attributes, resource: Attributes): string | null {
  for (const k of BRANCH_KEYS) {
    const v = toStr(a[k]) ?? toStr(resource[k]);
    if (v) return v;
  }
  return null;
}

export function normalizeEvents(
  batch: DecodedLogs,
  tokenMember: string | null,
  cx: NormalizeContext = normalizeContext(Date.now(), DEFAULT_INPUT_LIMITS, new SanitizeTally()),
): EventRow[] {
  const t = cx.tally;
  const rows: EventRow[] = [];
  for (const { resource, scopes } of batch.resources) {
    const resourceJson = JSON.stringify(resource);
    for (const { scope, records } of scopes) {
      for (const r of records) {
        const a = r.attributes;
        const attrsJson = JSON.stringify(a);
        const name = eventNameOf(r);
        rows.push({
          key: eventKey(name, a, r.timeUnixNano, attrsJson, resourceJson, toStr(r.body) ?? ''),
          ts: cx.times.at(r.timeUnixNano, r.observedTimeUnixNano),
          member: memberOf(tokenMember, resource, a),
          event_name: name,
          session_id: toStr(a['session.id']),
          prompt_id: toStr(a['prompt.id']),
          event_sequence: toInt(a['event.sequence'], t),
          user_id: toStr(a['user.id']),
          user_email: toStr(a['user.email']),
          user_account_uuid: toStr(a['user.account_uuid']),
          organization_id: toStr(a['organization.id']),
          app_version: toStr(a['app.version']) ?? toStr(resource['service.version']),
          terminal_type: toStr(a['terminal.type']),
          model: toStr(a['model']),
          query_source: toStr(a['query_source']),
          tool_name: toStr(a['tool_name']),
          tool_use_id: toStr(a['tool_use_id']),
          request_id: toStr(a['request_id']),
          success: toBool(a['success']),
          decision: toStr(a['decision']),
          source: toStr(a['source']),
          duration_ms: cx.times.duration(toNum(a['duration_ms'])),
          input_tokens: toInt(a['input_tokens'], t),
          output_tokens: toInt(a['output_tokens'], t),
          cache_read_tokens: toInt(a['cache_read_tokens'], t),
          cache_creation_tokens: toInt(a['cache_creation_tokens'], t),
          cost_usd: toNum(a['cost_usd']),
          error: toStr(a['error']),
          error_type: toStr(a['error_type']),
          status_code: toInt(a['status_code'], t),
          attempt: toInt(a['attempt'], t),
          prompt_length: toInt(a['prompt_length'], t),
          command: commandOf(a),
          repo:
            toStr(a['vcs.repository.name']) ??
            toStr(resource['vcs.repository.name']) ??
            toStr(a['repo']) ??
            toStr(resource['repo']),
          git_branch: branchOf(a, resource),
          feature: null,
          chapter: null,
          validation_kind: null,
          trace_id: r.traceId || null,
          span_id: r.spanId || null,
          scope_name: scope.name,
          attributes: attrsJson,
          resource: resourceJson,
        });
      }
    }
  }
  return rows;
}
