import type { FastifyInstance } from 'fastify';

export async function metricsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/metrics', async (_request, reply) => {
    const body = await app.metrics.metrics();
    return reply.type(app.metrics.contentType).send(body);
  });
}
