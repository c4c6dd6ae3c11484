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
import { cleanString } from '../pipeline/decode/text-sanitizer.js';
import { validationKindOf, type Attribution } from '../pipeline/enrich/enrich-attribution.js';
import { contentKey } from '../pipeline/normalize/identity.js';
import { TimeClamp, timeBounds } from '../pipeline/normalize/time-bounds.js';
import type { InputLimits } from '../pipeline/sanitize/input-limits.js';
import { SanitizeTally } from '../pipeline/sanitize/sanitize-tally.js';
import type { Store } from '../store/store.js';

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
    const who = await d.auth.check(req.headers.authorization);
    if (!who.ok) return reply.code(401).send({ code: 16, message: who.message });
    const parsed = ToolOutcomeBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      const message = parsed.error.issues
        .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
        .join('; ');
      return reply.code(400).send({ code: 3, message });
    }
    const b = parsed.data;
    const tally = new SanitizeTally();
    const clean = (s: string): string => cleanString(s, tally);
    const command = b.command === null ? null : d.redact(clean(b.command));
    const sentUs = Date.parse(b.ts) * 1000;
    const row: ToolOutcomeRow = {
      key: contentKey(clean(b.session_id), clean(b.tool_use_id)),
      session_id: clean(b.session_id),
      tool_use_id: clean(b.tool_use_id),
      prompt_id: b.prompt_id === null ? null : clean(b.prompt_id),
      ts: new TimeClamp(timeBounds(Date.now(), d.limits), tally).micros(sentUs),
      member: who.member,
      tool_name: clean(b.tool_name),
      command,
      exit_code: b.exit_code,
      success: b.success,
      validation_kind: validationKindOf(d.attribution, command),
    };
    await d.store.writeToolOutcomes([row]);
    for (const [reason, n] of Object.entries(tally.counts))
      d.metrics.sanitized.inc({ signal: 'tool_outcome', reason }, n);
    return {};
  });
}
