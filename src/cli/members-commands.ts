/**
 * `unsilo members add|list|revoke|rotate`: the roster. On the collector's machine it needs no flags:
 * it finds the running collector and the admin token in the data directory. Elsewhere: --server URL
 * and --admin-token T (or UNSILO_ADMIN_TOKEN). With no collector running it opens the store itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { ADMIN_TOKEN_FILE, DB_FILE } from '../config/data-dir.js';
import {
  MemberError,
  MemberRegistry,
  ROLES,
  type MemberInfo,
  type Role,
} from '../members/member-registry.js';
import { loadServeConfig } from '../config/config.js';
import { openStore } from '../store/open-store.js';
import { runningCollector } from './backend.js';
import { CliError } from './cli-error.js';
import { collectorClient } from './collector-client.js';
import { formatResult, FORMATS, type Format } from './format.js';

interface Flags {
  server?: string;
  adminToken?: string;
  dataDir: string;
  format: Format;
}

interface Roster {
  add(name: string, role: Role, email: string | null): Promise<{ name: string; role: string; token: string }>;
  list(): Promise<MemberInfo[]>;
  revoke(name: string): Promise<void>;
  rotate(name: string): Promise<{ name: string; role: string; token: string }>;
  /** The URL members should send to (for the printed setup line). */
  url: string;
  close(): Promise<void>;
}

function httpRoster(server: string, adminToken: string): Roster {
  const { base, call } = collectorClient(server, adminToken);
  return {
    url: base,
    add: (name, role, email) => call('POST', '/api/members', { name, role, email }),
    list: () => call('GET', '/api/members'),
    revoke: async (name) => {
      await call('POST', `/api/members/${encodeURIComponent(name)}/revoke`);
    },
    rotate: (name) => call('POST', `/api/members/${encodeURIComponent(name)}/rotate`),
    close: async () => undefined,
  };
}

async function localRoster(dataDir: string): Promise<Roster> {
  const store = await openStore(loadServeConfig({ dataDir }).store, { file: path.join(dataDir, DB_FILE) });
  await store.start();
  const registry = new MemberRegistry(store, path.join(dataDir, ADMIN_TOKEN_FILE));
  await registry.start();
  const wrap =
    <A extends unknown[], T>(f: (...a: A) => Promise<T>) =>
    async (...a: A): Promise<T> => {
      try {
        return await f(...a);
      } catch (err) {
        if (err instanceof MemberError) throw new CliError(err.message);
        throw err;
      }
    };
  return {
    url: 'http://<collector-host>:4318',
    add: wrap((n: string, r: Role, e: string | null) => registry.add(n, r, e)),
    list: () => registry.list(),
    revoke: wrap((n: string) => registry.revoke(n)),
    rotate: wrap((n: string) => registry.rotate(n)),
    close: () => store.close(),
  };
}

async function openRoster(flags: Flags): Promise<Roster> {
  const server = flags.server ?? runningCollector(flags.dataDir);
  if (server) {
    const tokenFile = path.join(flags.dataDir, ADMIN_TOKEN_FILE);
    const token =
      flags.adminToken ??
      process.env.UNSILO_ADMIN_TOKEN ??
      (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);
    if (!token) {
      throw new CliError(
        `managing members needs the admin token: run this on the collector's machine (it reads ${tokenFile}), or pass --admin-token T`,
      );
    }
    return httpRoster(server, token);
  }
  if (!existsSync(path.join(flags.dataDir, DB_FILE)) && !existsSync(flags.dataDir)) {
    throw new CliError(
      `no collector running and no data directory ${flags.dataDir}; start one with \`npx unsilo serve\` or pass --server URL`,
    );
  }
  return localRoster(flags.dataDir);
}

async function withRoster<T>(flags: Flags, f: (r: Roster) => Promise<T>): Promise<T> {
  const roster = await openRoster(flags);
  try {
    return await f(roster);
  } finally {
    await roster.close();
  }
}

const out = (s: string): void => {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
};

function printToken(
  r: { name: string; role: string; token: string },
  url: string,
  format: Format,
  verb: string,
): void {
  if (format === 'json') {
    out(JSON.stringify({ name: r.name, role: r.role, token: r.token }));
    return;
  }
  out(
    [
      `${verb} ${r.name} (${r.role}). The token is shown only this once:`,
      '',
      `  ${r.token}`,
      '',
      `Send ${r.name} this line to run on their machine:`,
      '',
      `  npx unsilo setup --server ${url} --token ${r.token}`,
    ].join('\n'),
  );
}

export function registerMembersCommands(program: Command): void {
  const members = program.command('members').description('the roster: members and their ingest tokens');
  const common = (cmd: Command): Command =>
    cmd
      .option('--server <url>', 'the collector (default: the one running for --data-dir)')
      .option(
        '--admin-token <token>',
        'the admin token (default: read from the data directory; env UNSILO_ADMIN_TOKEN)',
      )
      .option('--data-dir <dir>', "the collector's data directory", './data')
      .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'));

  common(
    members
      .command('add')
      .description('add a member; prints their token once and the setup line to send them'),
  )
    .argument('<name>', 'member name, e.g. alice')
    .addOption(new Option('--role <role>', 'role').choices(ROLES).default('author'))
    .option('--email <email>', 'email address')
    .action(async (name: string, opts: Flags & { role: Role; email?: string }) => {
      await withRoster(opts, async (r) =>
        printToken(await r.add(name, opts.role, opts.email ?? null), r.url, opts.format, 'Added'),
      );
    });

  common(members.command('list').description('the roster with last activity')).action(async (opts: Flags) => {
    await withRoster(opts, async (r) => {
      const list = await r.list();
      const columns = [
        'name',
        'role',
        'email',
        'created',
        'revoked',
        'last_event',
        'claude_code_version',
        'signals_24h',
      ] as const;
      out(
        formatResult({ columns: [...columns], rows: list.map((m) => columns.map((c) => m[c])) }, opts.format),
      );
    });
  });

  common(members.command('revoke').description("revoke a member's token"))
    .argument('<name>')
    .action(async (name: string, opts: Flags) => {
      await withRoster(opts, (r) => r.revoke(name));
      out(
        opts.format === 'json'
          ? JSON.stringify({ name, revoked: true })
          : `Revoked ${name}: their token no longer works.`,
      );
    });

  common(members.command('rotate').description('give a member a new token (the old one stops working)'))
    .argument('<name>')
    .action(async (name: string, opts: Flags) => {
      await withRoster(opts, async (r) => printToken(await r.rotate(name), r.url, opts.format, 'Rotated'));
    });
}
