/** GET /healthz (the process answers), /readyz (log replayed, store writable), /metrics (Prometheus). */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface Readiness {
  ready(): { ready: boolean; reason: string };
}

export function registerOpsRoutes(app: FastifyInstance, registry: Registry, readiness: Readiness): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const r = readiness.ready();
    return reply
      .code(r.ready ? 200 : 503)
      .send({ status: r.ready ? 'ready' : 'not ready', reason: r.reason });
  });
  app.get('/metrics', async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));
}
