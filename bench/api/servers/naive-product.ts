// Baseline (c): what a first version of the route often looks like — Fastify with its default request
// logging, a Redis GET, JSON.parse and JSON.stringify, and a log line of its own, on every request.
import Fastify from 'fastify';
import { Redis } from 'ioredis';

const redis = new Redis(process.env.REDIS_URL as string);
const prefix = process.env.NAIVE_PREFIX as string;
const app = Fastify({ logger: { level: 'info' } });
app.get<{ Params: { id: string } }>('/products/:id', async (request, reply) => {
  const raw = await redis.get(`${prefix}:${request.params.id}`);
  if (raw === null) return reply.code(404).send({ error: 'not found' });
  const product = JSON.parse(raw) as Record<string, unknown>;
  request.log.info({ productId: request.params.id }, 'product served');
  return reply.type('application/json').send(JSON.stringify(product));
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.on('SIGTERM', () => void app.close().then(() => redis.quit()).then(() => process.exit(0)));
