/**
 * The git context of a working directory: branch, origin remote (credentials stripped) and head
 * commit. Each is asked of `git` in parallel with a short timeout; anything that fails or is absent
 * (not a repository, detached head, no commit yet, no origin, git missing) is null.
 */
import { execFile } from 'node:child_process';

export interface GitContext {
  branch: string | null;
  remote: string | null;
  commit: string | null;
}

function git(cwd: string, args: string[], timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      'git',
      args,
      {
        cwd,
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        windowsHide: true,
        // Read-only questions: never take the index lock or prompt for anything.
        env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' },
      },
      (err, stdout) => {
        const out = String(stdout).trim();
        resolve(err || out === '' ? null : out);
      },
    );
  });
}

/** A remote URL without user name or password (https://user:token@host/x → https://host/x). */
export function stripCredentials(remote: string): string {
  try {
    const url = new URL(remote);
    if (!url.username && !url.password) return remote;
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return remote; // scp-like git@host:org/repo.git has no password to strip
  }
}

export async function gitContext(cwd: string, timeoutMs: number): Promise<GitContext> {
  const [branch, remote, commit] = await Promise.all([
    git(cwd, ['symbolic-ref', '--short', '-q', 'HEAD'], timeoutMs),
    git(cwd, ['config', '--get', 'remote.origin.url'], timeoutMs),
    git(cwd, ['rev-parse', '-q', '--verify', 'HEAD'], timeoutMs),
  ]);
  return { branch, remote: remote === null ? null : stripCredentials(remote), commit };
}
