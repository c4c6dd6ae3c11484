/** Who a record belongs to, and the content hashes that make writes idempotent. */
import { createHash } from 'node:crypto';
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

/** 128-bit hex content hash of the given parts. */
export function contentKey(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\u0000');
  return h.digest('hex').slice(0, 32);
}
