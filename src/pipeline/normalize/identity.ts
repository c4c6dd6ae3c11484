/** Who a record belongs to, and the content hashes that make writes idempotent. */
import crypto from 'node:crypto';
import type { Attributes } from '../../model/otlp.js';
import { toStr } from './coerce.js';

/**
 * The member a record is attributed to: the ingest token's member when there is one, else the
 * resource attribute `member` / `team.member` (OTEL_RESOURCE_ATTRIBUTES, which Claude Code also copies
 * into every record's attributes), else user.email, user.account_uuid, user.id.
 */
export function memberOf(tokenMember: string | null, resource: Attributes, attrs: Attributes): string | null {
  return (
    tokenMember ??
    toStr(resource['member']) ??
    toStr(resource['team.member']) ??
    toStr(attrs['member']) ??
    toStr(attrs['team.member']) ??
    toStr(attrs['user.email'] ?? resource['user.email']) ??
    toStr(attrs['user.account_uuid'] ?? resource['user.account_uuid']) ??
    toStr(attrs['user.id'] ?? resource['user.id'])
  );
}

// crypto.hash (Node ≥ 20.12) hashes in one call; older 20.x falls back to createHash.
const sha256Hex: (data: string) => string =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'hex')
    : (data) => crypto.createHash('sha256').update(data).digest('hex');

/**
 * 128-bit hex content hash of the given parts: sha256 of each part followed by a NUL, truncated.
 * Stored keys depend on these exact bytes (existing stores dedup on them): never change the framing.
 */
export function contentKey(...parts: string[]): string {
  return sha256Hex(parts.join('\u0000') + '\u0000').slice(0, 32);
}

/**
 * The id an event shares with Claude Code's transcripts, by event name: the request id of an API
 * request, the tool use id of a tool result, the message uuid of a prompt or a final response. Keyed by
 * it (not by content), the same event sent as telemetry and imported from a transcript is one row,
 * whichever arrived first.
 */
export const SHARED_ID: Readonly<Record<string, string>> = {
  api_request: 'request_id',
  tool_result: 'tool_use_id',
  user_prompt: 'message.uuid',
  assistant_response: 'message.uuid',
};

/** The idempotency key of an event: by its shared id when it has one, else by its whole content. */
export function eventKey(
  name: string,
  attrs: Attributes,
  timeUnixNano: string,
  attrsJson: string,
  resourceJson: string,
  body: string,
): string {
  const field = SHARED_ID[name];
  const id = field === undefined ? null : toStr(attrs[field]);
  return id ? sharedIdKey(name, id) : contentKey(name, timeUnixNano, attrsJson, resourceJson, body);
}

/** The key of an event with a shared id (also computed by the stores' migration of older rows). */
export const sharedIdKey = (name: string, id: string): string => contentKey('shared-id', name, id);
