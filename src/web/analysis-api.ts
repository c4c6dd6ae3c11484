/**
 * The error-analysis API: POST /api/analysis/:action with the action's arguments as JSON
 * (`{"queue": "w48"}`), answering the action's JSON, the same the CLI prints with --format json.
 * Reading needs a reader token beyond loopback (the collector's read hook); the acting member is the
 * token's (header, or the pages' cookie), else (loopback without tokens) `author` in the body, else "local". Errors are JSON {error}:
 * 400 for a bad argument or conflict, 404 for an unknown queue, pattern, change, session or action.
 */
import type { FastifyInstance } from 'fastify';
import { runAction } from '../analysis/analysis-actions.js';
import { AnalysisError, AnalysisNotFoundError } from '../analysis/analysis-context.js';
import type { MemberRegistry } from '../members/member-registry.js';
import { bearerToken } from '../members/member-tokens.js';
import type { Store } from '../store/store.js';
import { readerAuthorization } from './pages/page-auth.js';

export interface AnalysisApiDeps {
  store: Store;
  members: MemberRegistry;
  redact(text: string): string;
}

export function registerAnalysisApi(app: FastifyInstance, deps: AnalysisApiDeps): void {
  app.post<{ Params: { action: string }; Body: { args?: unknown; author?: unknown } | undefined }>(
    '/api/analysis/:action',
    async (req, reply) => {
      const token = bearerToken(readerAuthorization(req));
      const member = token === null ? null : deps.members.authenticate(token);
      const claimed = typeof req.body?.author === 'string' && req.body.author !== '' ? req.body.author : null;
      const ctx = {
        store: deps.store,
        author: member?.name ?? claimed ?? 'local',
        ...(member ? { role: member.role } : {}),
        now: () => new Date(),
        redact: deps.redact,
      };
      try {
        return await runAction(ctx, req.params.action, req.body?.args ?? {});
      } catch (err) {
        if (err instanceof AnalysisNotFoundError) return reply.code(404).send({ error: err.message });
        if (err instanceof AnalysisError) return reply.code(400).send({ error: err.message });
        throw err;
      }
    },
  );
}
