// Baseline (a): the ceiling — bare Fastify, no logger, one route with a response schema.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get(
  '/',
  { schema: { response: { 200: { type: 'object', properties: { hello: { type: 'string' } }, required: ['hello'] } } } },
  () => ({ hello: 'world' }),
);
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
