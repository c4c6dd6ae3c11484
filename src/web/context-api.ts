/**
 * POST /v1/context: the session-context hooks (SessionStart, UserPromptSubmit) report where a session
 * runs: time, working directory, git branch, remote and head commit. Same token as ingest. The
 * collector derives feature and chapter and stores the context; each event of the session then gets
 * the context in force at its timestamp. The hooks never send the prompt, and this endpoint would not
 * store it. Hostile input is treated as in OTLP: NULs and lone surrogates are cleaned out of the strings,
 * a time outside `limits.minTimestamp` … now + `limits.maxFutureSkewMs` is stored as the receive
 * time (the key keeps the time as sent), each counted in `unsilo_input_sanitized_total{signal="context"}`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SessionContextRow } from '../model/records.js';
import type { IngestAuth } from '../ingest/ingest-auth.js';
import type { CollectorMetrics } from '../ops/collector-metrics.js';
import type { InputLimits } from '../pipeline/sanitize/input-limits.js';
import { deriveContext, repoName, type ContextRules } from '../pipeline/enrich/derive-context.js';
import { contentKey } from '../pipeline/normalize/identity.js';
import type { Store } from '../store/store.js';
import { emptyField, hookPost } from './hook-post.js';

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
  limits: InputLimits,
  metrics: CollectorMetrics,
): void {
  app.post('/v1/context', async (req, reply) => {
    const post = await hookPost(req, reply, {
      auth,
      limits,
      metrics,
      signal: 'context',
      schema: ContextBody,
    });
    if (!post) return reply;
    const { clean } = post;
    const b = {
      ...post.body,
      session_id: clean(post.body.session_id),
      hook_event: clean(post.body.hook_event),
      cwd: clean(post.body.cwd),
      git_branch: clean(post.body.git_branch),
      git_remote: clean(post.body.git_remote),
      git_commit: clean(post.body.git_commit),
    };
    if (b.session_id === '') return emptyField(reply, 'session_id');
    // The key keeps the time as sent; the row holds it clamped.
    const sentUs = Date.parse(b.ts) * 1000;
    const ts = post.micros(b.ts);
    const { feature, chapter } = deriveContext(rules, b.git_branch, b.cwd);
    const row: SessionContextRow = {
      key: contentKey(
        b.session_id,
        String(sentUs),
        b.hook_event,
        b.cwd ?? '',
        b.git_branch ?? '',
        b.git_commit ?? '',
      ),
      session_id: b.session_id,
      ts,
      member: post.member,
      hook_event: b.hook_event,
      cwd: b.cwd,
      branch: b.git_branch,
      repo: repoName(b.git_remote),
      commit: b.git_commit,
      feature,
      chapter,
    };
    await store.writeContexts([row]);
    post.counted();
    return {};
  });
}
