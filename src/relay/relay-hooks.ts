/**
 * The hooks' posts through the relay: in relay mode unsilo's hooks post their session context
 * (`/v1/context`) and tool outcomes (`/v1/tool-outcome`) to the relay on loopback, which keeps them
 * in its `hooks` buffer (fsynced before the reply, like telemetry) and forwards them in order with
 * the relay's token, so what a hook reports while the collector is away arrives when it is back. The
 * collector checks each body; here a body must be a JSON object with a session id, and a tool
 * outcome's command is redacted with the relay's rules before it touches the disk.
 */
import type { FastifyInstance } from 'fastify';
import { redactString } from '../pipeline/redact/redact-values.js';
import type { Redaction } from '../pipeline/redact/redaction-config.js';
import { WalFullError, WalRecordTooLargeError, WalUnavailableError } from '../wal/write-ahead-log.js';
import type { RelayBuffer } from './relay-buffer.js';
import type { HookPost } from './upstream-client.js';

const ROUTES: readonly HookPost['route'][] = ['/v1/context', '/v1/tool-outcome'];

export function registerRelayHooks(
  app: FastifyInstance,
  buffer: RelayBuffer,
  redaction: Redaction,
  retryAfterSeconds: number,
): void {
  for (const route of ROUTES) {
    app.post(route, async (req, reply) => {
      const body = req.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        return reply.code(400).send({ code: 3, message: 'body: expected a JSON object' });
      const fields = { ...(body as Record<string, unknown>) };
      if (typeof fields.session_id !== 'string' || fields.session_id === '')
        return reply.code(400).send({ code: 3, message: 'session_id: expected a non-empty string' });
      if (typeof fields.command === 'string')
        fields.command = redactString(fields.command, redaction, { n: 0 });
      const post: HookPost = { route, body: fields };
      try {
        await buffer.append('hooks', Buffer.from(JSON.stringify(post)), 1);
      } catch (err) {
        if (err instanceof WalRecordTooLargeError)
          return reply.code(413).send({ code: 8, message: err.message });
        if (err instanceof WalFullError || err instanceof WalUnavailableError)
          return reply
            .code(err instanceof WalFullError ? 429 : 503)
            .header('retry-after', String(retryAfterSeconds))
            .send({ code: 14, message: err.message });
        throw err;
      }
      return {};
    });
  }
}
