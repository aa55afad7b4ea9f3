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
  statementTimeoutMs: number;
}

export default fp<DbPluginOptions>(
  async (fastify, options) => {
    const pool = createPool({ ...options, applicationName: 'livecart-api' });
    // An idle client dropping (Postgres restart) must not crash the process; the next query reconnects.
    pool.on('error', (error) => fastify.log.warn({ err: error }, 'idle Postgres connection failed'));
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
