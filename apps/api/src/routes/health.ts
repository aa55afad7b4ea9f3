import { ProbeStatusSchema } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { ServiceUnavailableError } from '../domain/errors.js';
import { errorResponses, outputSchema } from './schemas.js';

const STATUS = outputSchema(ProbeStatusSchema);

const PROBE_TIMEOUT_MS = 1_000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Liveness (the process answers) and readiness (Postgres and Redis answer too). */
export async function healthRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.get('/health', { schema: { tags: ['operations'], operationId: 'getHealth', summary: 'Liveness', response: { 200: STATUS } } }, async () => ({ status: 'ok' }));

  fastify.get(
    '/ready',
    { schema: { tags: ['operations'], operationId: 'getReadiness', summary: 'Readiness: Postgres and Redis answer', response: { 200: STATUS, ...errorResponses() } } },
    async () => {
      const [postgres, redis] = await Promise.allSettled([
        withTimeout(fastify.db.query('SELECT 1'), 'Postgres'),
        withTimeout(fastify.redis.ping(), 'Redis'),
      ]);
      const details = [
        ...(postgres.status === 'rejected' ? [{ field: 'postgres', message: 'does not answer' }] : []),
        ...(redis.status === 'rejected' ? [{ field: 'redis', message: 'does not answer' }] : []),
      ];
      if (details.length > 0) throw new ServiceUnavailableError('not ready: a backing service does not answer', details);
      return { status: 'ready', postgres: 'ok', redis: 'ok' };
    },
  );
}
