/**
 * Who is sending: the ingest token in `Authorization: Bearer <token>` names the member stamped on
 * every record of the request. Whether a token is required is configuration (by default: whenever
 * the collector listens beyond loopback). A missing, unknown or revoked token is refused with a
 * message that says what to do; the receivers answer 401 / UNAUTHENTICATED.
 */
import type { MemberRegistry } from '../members/member-registry.js';
import { bearerToken } from '../members/member-tokens.js';

export type AuthResult = { ok: true; member: string | null } | { ok: false; message: string };

const HOW =
  'send Authorization: Bearer <token> (in ~/.claude/settings.json: OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer <token>"); ' +
  'a coordinator creates a token with `unsilo members add <name>`, and `unsilo setup --server URL --token <token>` configures Claude Code with it';

/** What the receivers ask about a request's Authorization header. */
export interface Authenticator {
  check(authorization: string | string[] | undefined): Promise<AuthResult>;
}

/** Anyone may send, nobody is named (the relay on loopback: the member is named upstream). */
export const OPEN_AUTH: Authenticator = { check: () => Promise.resolve({ ok: true, member: null }) };

export class IngestAuth implements Authenticator {
  constructor(
    private readonly registry: MemberRegistry,
    readonly required: boolean,
  ) {}

  async check(authorization: string | string[] | undefined): Promise<AuthResult> {
    const token = bearerToken(authorization);
    if (token === null) {
      return this.required
        ? { ok: false, message: `this collector requires an ingest token: ${HOW}` }
        : { ok: true, member: null };
    }
    const member = this.registry.authenticate(token);
    if (member?.role === 'admin') {
      return {
        ok: false,
        message: "the admin token manages members and cannot send data: use a member's ingest token",
      };
    }
    if (member) return { ok: true, member: member.name };
    if (await this.registry.wasRevoked(token)) {
      return {
        ok: false,
        message:
          'this ingest token was revoked or replaced: ask a coordinator for a new one (`unsilo members rotate <name>`) and run `unsilo setup` again',
      };
    }
    return {
      ok: false,
      message: `the ingest token is not valid (run \`unsilo doctor\` to check the settings): ${HOW}`,
    };
  }
}

/** The member whose token the Authorization header carries, if any. */
function bearerMember(registry: MemberRegistry, authorization: string | string[] | undefined) {
  const token = bearerToken(authorization);
  return token === null ? null : registry.authenticate(token);
}

/** Roles that may read the data (the HTTP API, reports, SQL); authors only send. */
const READERS = new Set(['reviewer', 'coordinator', 'admin']);

export type ReadResult = { ok: true } | { ok: false; status: 401 | 403; message: string };

/**
 * Who may read: when tokens are required (the collector listens beyond loopback), reading needs a
 * reviewer's, coordinator's or the admin token; an author's token only sends data.
 */
export function checkReader(
  auth: IngestAuth,
  registry: MemberRegistry,
  authorization: string | string[] | undefined,
): ReadResult {
  if (!auth.required) return { ok: true };
  const member = bearerMember(registry, authorization);
  if (!member) {
    return {
      ok: false,
      status: 401,
      message:
        'reading needs a reviewer, coordinator or admin token: pass --token T (or UNSILO_TOKEN), or send Authorization: Bearer <token>',
    };
  }
  if (!READERS.has(member.role)) {
    return {
      ok: false,
      status: 403,
      message: `${member.name} is an ${member.role}: that token sends data but cannot read it; a coordinator can give a reader token (\`unsilo members add <name> --role reviewer\`)`,
    };
  }
  return { ok: true };
}

/** Loopback addresses, where a token is not required by default. */
export const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || host.startsWith('127.');

/**
 * Who may change stored data (retention runs): when tokens are required, only the admin token; on
 * loopback without tokens, whoever can reach the port, like every other request.
 */
export function checkAdmin(
  auth: IngestAuth,
  registry: MemberRegistry,
  authorization: string | string[] | undefined,
): ReadResult {
  if (!auth.required) return { ok: true };
  const member = bearerMember(registry, authorization);
  if (member?.role === 'admin') return { ok: true };
  const how =
    "on the collector's machine it is in the data directory (admin-token); pass --token T or send Authorization: Bearer <admin token>";
  return member
    ? {
        ok: false,
        status: 403,
        message: `${member.name} is a ${member.role}: this needs the admin token; ${how}`,
      }
    : { ok: false, status: 401, message: `this needs the admin token: ${how}` };
}
