/**
 * POST /v1/tool-outcome: unsilo's PostToolUse / PostToolUseFailure hooks (matcher Bash) report a
 * tool call's command and exit code, so the validation signals work even when OTEL_LOG_TOOL_DETAILS
 * is off (Claude Code then sends no command). Same token as ingest. The command passes the
 * collector's redaction before anything is stored, is matched against the validation patterns as
 * at ingest (after redaction, like the pipeline), and is keyed by session and tool_use_id, so a
 * retried hook stores one row. Strings are cleaned and the time clamped as in /v1/context.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { IngestAuth } from '../ingest/ingest-auth.js';
import type { ToolOutcomeRow } from '../model/records.js';
import type { CollectorMetrics } from '../ops/collector-metrics.js';
import { validationKindOf, type Attribution } from '../pipeline/enrich/enrich-attribution.js';
import { contentKey } from '../pipeline/normalize/identity.js';
import type { InputLimits } from '../pipeline/sanitize/input-limits.js';
import type { Store } from '../store/store.js';
import { emptyField, hookPost } from './hook-post.js';

const id = z.string().min(1).max(200);

export const ToolOutcomeBody = z.object({
  session_id: id,
  tool_use_id: id,
  prompt_id: id.nullable().default(null),
  ts: z.string().datetime({ offset: true }),
  tool_name: z.string().min(1).max(200),
  command: z.string().max(16_384).nullable().default(null),
  exit_code: z.number().int().min(-2_147_483_648).max(2_147_483_647).nullable().default(null),
  success: z.boolean(),
});
export type ToolOutcomeBody = z.infer<typeof ToolOutcomeBody>;

export interface ToolOutcomeDeps {
  store: Store;
  auth: IngestAuth;
  attribution: Attribution;
  redact: (text: string) => string;
  limits: InputLimits;
  metrics: CollectorMetrics;
}

export function registerToolOutcomeApi(app: FastifyInstance, d: ToolOutcomeDeps): void {
  app.post('/v1/tool-outcome', async (req, reply) => {
    const post = await hookPost(req, reply, { ...d, signal: 'tool_outcome', schema: ToolOutcomeBody });
    if (!post) return reply;
    const { body: b, clean } = post;
    const session = clean(b.session_id);
    const toolUseId = clean(b.tool_use_id);
    if (session === '') return emptyField(reply, 'session_id');
    if (toolUseId === '') return emptyField(reply, 'tool_use_id');
    const command = b.command === null ? null : d.redact(clean(b.command));
    const row: ToolOutcomeRow = {
      key: contentKey(session, toolUseId),
      session_id: session,
      tool_use_id: toolUseId,
      prompt_id: clean(b.prompt_id),
      ts: post.micros(b.ts),
      member: post.member,
      tool_name: clean(b.tool_name),
      command,
      exit_code: b.exit_code,
      success: b.success,
      validation_kind: validationKindOf(d.attribution, command),
    };
    await d.store.writeToolOutcomes([row]);
    post.counted();
    return {};
  });
}
