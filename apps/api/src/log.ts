import type { BaseLogger } from 'pino';

/** What long-running components need from a logger; both pino and Fastify's logger satisfy it. */
export type Log = Pick<BaseLogger, 'info' | 'warn' | 'error'>;
