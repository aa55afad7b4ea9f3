import type { FastifyInstance } from 'fastify';

/** Liveness and readiness probes. */
export async function healthRoutes(app: FastifyInstance, options: { instanceId: string }): Promise<void> {
  app.get('/health', async () => ({ status: 'ok', instanceId: options.instanceId }));

  // Ready = subscribed to the event feed: a balancer should not send clients to an instance that is deaf.
  app.get('/ready', async (_request, reply) => {
    const { source, sequencer, hub } = app.liveFeed;
    const body = { ready: source.ready, instanceId: options.instanceId, seq: sequencer.lastSeq, connections: hub.connections.size };
    return reply.code(source.ready ? 200 : 503).send(body);
  });
}
