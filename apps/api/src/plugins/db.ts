import fp from 'fastify-plugin';
import type pg from 'pg';
import { createPool } from '../db/pool.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: pg.Pool;
  }
}

export interface DbPluginOptions {
  connectionString: string;
  max: number;
  waitMs: number;
  statementTimeoutMs: number;
}

export default fp<DbPluginOptions>(
  async (fastify, options) => {
    // An idle client dropping (Postgres restart) does not end the process; the next query reconnects.
    const pool = createPool({ ...options, applicationName: 'livecart-api', onIdleError: (error) => fastify.log.warn({ err: error }, 'idle Postgres connection failed') });
    fastify.decorate('db', pool);
    // Opens the first connection while the rest of the app loads, so the first query does not pay for it.
    pool.connect().then(
      (client) => client.release(),
      (error: unknown) => fastify.log.warn({ err: error }, 'Postgres not reachable yet'),
    );
    fastify.addHook('onClose', () => pool.end());
  },
  { name: 'db' },
);
