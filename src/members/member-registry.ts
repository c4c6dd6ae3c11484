/**
 * The roster: members with a role and an ingest token (stored as a hash), kept in the store's
 * `members` table and mirrored in memory so that authenticating a request costs one hash and one map
 * lookup. The admin credential (manages members) lives in the data directory, readable only by its
 * owner, and is created at the first start. The SQL is the same on every store: rows are written whole
 * (`Dialect.replaceInto` replaces a member's row; ClickHouse has no cheap UPDATE) and never updated.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { sqlTime } from '../store/dialect.js';
import type { Store } from '../store/store.js';
import { hashToken, newToken, sameHash } from './member-tokens.js';

export const ROLES = ['author', 'reviewer', 'coordinator'] as const;
export type Role = (typeof ROLES)[number];

export interface Member {
  name: string;
  role: Role | 'admin';
}

export interface MemberInfo {
  name: string;
  role: string;
  email: string | null;
  created: string;
  revoked: string | null;
  last_event: string | null;
  claude_code_version: string | null;
  /** Signals received from this member in the last 24 hours, e.g. "logs metrics". */
  signals_24h: string;
}

export class MemberError extends Error {
  override readonly name = 'MemberError';
}
export class UnknownMemberError extends MemberError {}

const now = (): string => sqlTime(new Date());

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export class MemberRegistry {
  /** token hash → member, for active members. */
  private byHash = new Map<string, Member & { hash: string }>();
  private adminHash = '';

  constructor(
    private readonly store: Store,
    private readonly adminTokenFile: string,
  ) {}

  async start(): Promise<void> {
    if (!existsSync(this.adminTokenFile)) {
      writeFileSync(this.adminTokenFile, `${newToken()}\n`, { mode: 0o600 });
    }
    chmodSync(this.adminTokenFile, 0o600);
    this.adminHash = hashToken(readFileSync(this.adminTokenFile, 'utf8').trim());
    await this.reload();
  }

  private async reload(): Promise<void> {
    const r = await this.store.query('SELECT name, role, token_hash FROM members WHERE revoked_at IS NULL');
    this.byHash = new Map(
      r.rows.map(([name, role, hash]) => [
        String(hash),
        { name: String(name), role: String(role) as Role, hash: String(hash) },
      ]),
    );
  }

  /** The member a token names, or null (unknown or revoked). */
  authenticate(token: string): Member | null {
    const hash = hashToken(token);
    if (sameHash(hash, this.adminHash)) return { name: 'admin', role: 'admin' };
    const m = this.byHash.get(hash);
    return m && sameHash(m.hash, hash) ? { name: m.name, role: m.role } : null;
  }

  /** Whether a token was once valid and has been revoked or rotated away. */
  async wasRevoked(token: string): Promise<boolean> {
    const d = this.store.dialect;
    const hash = hashToken(token);
    const r = await this.store.query(
      `SELECT 1 FROM member_token_history WHERE token_hash = ${d.param(1, hash)} LIMIT 1`,
      [hash],
    );
    return r.rows.length > 0;
  }

  async add(
    name: string,
    role: Role,
    email: string | null,
  ): Promise<{ name: string; role: Role; token: string }> {
    if (!NAME.test(name))
      throw new MemberError(`member name "${name}" must be 1–64 letters, digits, '.', '_', '-' or '@'`);
    if (name === 'admin') throw new MemberError('"admin" is reserved for the admin credential');
    const d = this.store.dialect;
    const exists = await this.store.query(`SELECT revoked_at FROM members WHERE name = ${d.param(1, name)}`, [
      name,
    ]);
    if (exists.rows.length > 0) {
      throw new MemberError(
        `member "${name}" exists already; \`unsilo members rotate ${name}\` gives a new token`,
      );
    }
    const token = newToken();
    const hash = hashToken(token);
    await this.store.query(
      `INSERT INTO members (name, role, email, token_hash, created_at) SELECT ${d.param(1, name)}, ${d.param(2, role)}, ${d.param(3, email)}, ${d.param(4, hash)}, ${d.toTimestamp(d.param(5, now()))}`,
      [name, role, email, hash, now()],
    );
    await this.reload();
    return { name, role, token };
  }

  private async current(name: string): Promise<{ hash: string; revoked: boolean; role: Role }> {
    const d = this.store.dialect;
    const r = await this.store.query(
      `SELECT token_hash, revoked_at, role FROM members WHERE name = ${d.param(1, name)}`,
      [name],
    );
    const row = r.rows[0];
    if (!row) throw new UnknownMemberError(`no member "${name}"; \`unsilo members list\` shows the roster`);
    return { hash: String(row[0]), revoked: row[1] !== null, role: String(row[2]) as Role };
  }

  private async retire(hash: string): Promise<void> {
    const d = this.store.dialect;
    await this.store.query(
      `INSERT INTO member_token_history (token_hash, retired_at) SELECT ${d.param(1, hash)}, ${d.toTimestamp(d.param(2, now()))}`,
      [hash, now()],
    );
  }

  async revoke(name: string): Promise<void> {
    const m = await this.current(name);
    if (m.revoked) throw new MemberError(`member "${name}" is revoked already`);
    const d = this.store.dialect;
    await this.retire(m.hash);
    await this.store.query(
      `${d.replaceInto('members')} (name, role, email, token_hash, created_at, rotated_at, revoked_at)
       SELECT name, role, email, token_hash, created_at, rotated_at, ${d.toTimestamp(d.param(1, now()))}
       FROM members WHERE name = ${d.param(2, name)}`,
      [now(), name],
    );
    await this.reload();
  }

  /** A new token for the member (revoked members are reinstated); the old token stops working. */
  async rotate(name: string): Promise<{ name: string; role: Role; token: string }> {
    const m = await this.current(name);
    const token = newToken();
    const d = this.store.dialect;
    await this.retire(m.hash);
    await this.store.query(
      `${d.replaceInto('members')} (name, role, email, token_hash, created_at, rotated_at, revoked_at)
       SELECT name, role, email, ${d.param(1, hashToken(token))}, created_at, ${d.toTimestamp(d.param(2, now()))}, NULL
       FROM members WHERE name = ${d.param(3, name)}`,
      [hashToken(token), now(), name],
    );
    await this.reload();
    return { name, role: m.role, token };
  }

  async list(): Promise<MemberInfo[]> {
    const d = this.store.dialect;
    const since = sqlTime(new Date(Date.now() - 86_400_000));
    const recent = (table: string, signal: string): string =>
      `SELECT DISTINCT member, '${signal}' AS signal FROM ${table} WHERE ${table === 'spans' ? 'start_ts' : 'ts'} >= ${d.toTimestamp(d.param(1, since))}`;
    const r = await this.store.query(
      `WITH seen AS (
        SELECT member, max(ts) AS last_ts, ${d.lastValue('app_version', 'ts')} AS version FROM events GROUP BY member
      ), signals AS (
        SELECT member, ${d.sortedList('signal')} AS list
        FROM (${recent('events', 'logs')} UNION ALL ${recent('metric_points', 'metrics')} UNION ALL ${recent('spans', 'traces')}) AS r
        GROUP BY member
      )
      SELECT m.name, m.role, m.email, ${d.formatTime('m.created_at', '%Y-%m-%d %H:%M:%S')},
        ${d.formatTime('m.revoked_at', '%Y-%m-%d %H:%M:%S')}, ${d.formatTime('l.last_ts', '%Y-%m-%d %H:%M:%S')}, l.version,
        coalesce(s.list, '')
      FROM members m LEFT JOIN seen l ON l.member = m.name LEFT JOIN signals s ON s.member = m.name
      ORDER BY m.name`,
      [since],
    );
    return r.rows.map((row) => ({
      name: String(row[0]),
      role: String(row[1]),
      email: row[2] === null ? null : String(row[2]),
      created: String(row[3]),
      revoked: row[4] === null ? null : String(row[4]),
      last_event: row[5] === null ? null : String(row[5]),
      claude_code_version: row[6] === null ? null : String(row[6]),
      signals_24h: String(row[7]),
    }));
  }
}
