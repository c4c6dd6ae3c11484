/**
 * The roster over HTTP, for the admin credential only (Authorization: Bearer <admin token>):
 * GET /api/members, POST /api/members {name, role, email}, POST /api/members/:name/revoke,
 * POST /api/members/:name/rotate. New tokens are returned once and never again.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MemberError, ROLES, UnknownMemberError, type MemberRegistry } from '../members/member-registry.js';
import { bearerToken } from '../members/member-tokens.js';

const AddMember = z.object({
  name: z.string().min(1),
  role: z.enum(ROLES).default('author'),
  email: z.string().email().nullable().default(null),
});

export function registerMembersApi(app: FastifyInstance, registry: MemberRegistry): void {
  const admin = (req: FastifyRequest, reply: FastifyReply): boolean => {
    const token = bearerToken(req.headers.authorization);
    if (token !== null && registry.authenticate(token)?.role === 'admin') return true;
    void reply.code(401).send({
      error:
        'managing members needs the admin token: on the collector machine it is in the data directory (admin-token); send Authorization: Bearer <admin token>',
    });
    return false;
  };
  const fail = (reply: FastifyReply, err: unknown): FastifyReply => {
    if (err instanceof UnknownMemberError) return reply.code(404).send({ error: err.message });
    if (err instanceof MemberError) return reply.code(400).send({ error: err.message });
    throw err;
  };

  app.get('/api/members', async (req, reply) => (admin(req, reply) ? registry.list() : reply));

  app.post('/api/members', async (req, reply) => {
    if (!admin(req, reply)) return reply;
    const parsed = AddMember.safeParse(req.body ?? {});
    if (!parsed.success) {
      return reply
        .code(400)
        .send({ error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    }
    try {
      return await registry.add(parsed.data.name, parsed.data.role, parsed.data.email);
    } catch (err) {
      return fail(reply, err);
    }
  });

  app.post<{ Params: { name: string } }>('/api/members/:name/revoke', async (req, reply) => {
    if (!admin(req, reply)) return reply;
    try {
      await registry.revoke(req.params.name);
      return { name: req.params.name, revoked: true };
    } catch (err) {
      return fail(reply, err);
    }
  });

  app.post<{ Params: { name: string } }>('/api/members/:name/rotate', async (req, reply) => {
    if (!admin(req, reply)) return reply;
    try {
      return await registry.rotate(req.params.name);
    } catch (err) {
      return fail(reply, err);
    }
  });
}
