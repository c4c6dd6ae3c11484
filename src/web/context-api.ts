/**
 * POST /v1/context: the session-context hooks (SessionStart, UserPromptSubmit) report where a session
 * runs: time, working directory, git branch, remote and head commit. Same token as ingest. The
 * collector derives feature and chapter and stores the context; each event of the session then gets
 * the context in force at its timestamp. The hooks never send the prompt, and this endpoint would not
 * store it.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SessionContextRow } from '../model/records.js';
import type { IngestAuth } from '../ingest/ingest-auth.js';
import { deriveContext, repoName, type ContextRules } from '../pipeline/enrich/derive-context.js';
import { contentKey } from '../pipeline/normalize/identity.js';
import type { Store } from '../store/store.js';

const text = (max: number) => z.string().max(max).nullable().default(null);

const ContextBody = z.object({
  session_id: z.string().min(1).max(200),
  hook_event: z.string().max(64).default('unknown'),
  ts: z.string().datetime({ offset: true }),
  cwd: text(4096),
  git_branch: text(1024),
  git_remote: text(2048),
  git_commit: text(64),
});

export function registerContextApi(
  app: FastifyInstance,
  store: Store,
  auth: IngestAuth,
  rules: ContextRules,
): void {
  app.post('/v1/context', async (req, reply) => {
    const who = await auth.check(req.headers.authorization);
    if (!who.ok) return reply.code(401).send({ code: 16, message: who.message });
    const parsed = ContextBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      const message = parsed.error.issues
        .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
        .join('; ');
      return reply.code(400).send({ code: 3, message });
    }
    const b = parsed.data;
    const ts = Date.parse(b.ts) * 1000;
    const { feature, chapter } = deriveContext(rules, b.git_branch, b.cwd);
    const row: SessionContextRow = {
      key: contentKey(
        b.session_id,
        String(ts),
        b.hook_event,
        b.cwd ?? '',
        b.git_branch ?? '',
        b.git_commit ?? '',
      ),
      session_id: b.session_id,
      ts,
      member: who.member,
      hook_event: b.hook_event,
      cwd: b.cwd,
      branch: b.git_branch,
      repo: repoName(b.git_remote),
      commit: b.git_commit,
      feature,
      chapter,
    };
    await store.writeContexts([row]);
    return {};
  });
}
