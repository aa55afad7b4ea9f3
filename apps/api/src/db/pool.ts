import pg from 'pg';

const INT8_OID = 20;
const TIMESTAMPTZ_OID = 1184;
const parseTimestamptz = pg.types.getTypeParser(TIMESTAMPTZ_OID) as (value: string) => Date;

/**
 * Rows come back in the shapes of @livecart/schemas: bigint columns (money, seq, counts) are within
 * JavaScript's exact range by schema, and timestamps are ISO 8601 UTC strings as the API emits them.
 */
export const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID) return Number;
    if (oid === TIMESTAMPTZ_OID) return (value: string) => parseTimestamptz(value).toISOString();
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PoolOptions {
  connectionString: string;
  max: number;
  statementTimeoutMs: number;
  applicationName: string;
  /**
   * False: the sessions commit without waiting for the WAL flush (`synchronous_commit = off`). Only for
   * writes whose last fraction of a second may be lost in a Postgres crash without breaking a promise (a
   * transaction is still all or nothing); the default waits, as every request's write must.
   */
  synchronousCommit?: boolean;
  /** Told when an idle connection fails (Postgres restarting, say); the pool has dropped it already. */
  onIdleError?: (error: Error) => void;
  /**
   * How long a caller waits for a connection while all `max` are in use before the pool gives up (a 503);
   * default {@link DEFAULT_POOL_WAIT_MS}. Apart from the connect timeout: a burst queues longer than a
   * Postgres that does not answer is given to connect.
   */
  waitMs?: number;
}

/** Opening a connection to a Postgres that does not answer fails after this long. */
export const CONNECT_TIMEOUT_MS = 3_000;
export const DEFAULT_POOL_WAIT_MS = 10_000;

/**
 * How much longer than the server's statement_timeout the client itself waits for an answer. The server
 * cancels a slow statement first when it can; this catches the case where it cannot answer at all (a
 * network path that stalls, a server that hangs), which would otherwise hold the request forever.
 */
export const QUERY_TIMEOUT_MARGIN_MS = 1_000;

export function connectionConfig(options: Omit<PoolOptions, 'max' | 'onIdleError' | 'waitMs'>): pg.ClientConfig {
  return {
    connectionString: options.connectionString,
    application_name: options.applicationName,
    statement_timeout: options.statementTimeoutMs,
    query_timeout: options.statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS,
    // A lock wait longer than a request's patience is an outage, not a queue.
    lock_timeout: options.statementTimeoutMs,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types: pgTypes,
    ...(options.synchronousCommit === false ? { options: '-c synchronous_commit=off' } : {}),
  };
}

/**
 * A pool whose connection failures never reach the process as an unheard 'error' event, which would end
 * it. The pool listens to idle connections and a query to the one it uses, but not always in between: a
 * Postgres shutdown ends every session at once, and one caught between owners would emit its error to
 * nobody. So each connection also keeps a listener for its whole life; the failure still reaches whoever
 * uses the connection next, as a failed query.
 *
 * pg-pool has one timeout for both waiting in its queue and connecting; here the pool's is the wait and
 * each connection keeps the connect timeout for itself (pg.Client enforces it on its own).
 */
export function createPool(options: PoolOptions): pg.Pool {
  const { onIdleError, waitMs = DEFAULT_POOL_WAIT_MS, ...rest } = options;
  const config = connectionConfig(rest);
  const pool = new pg.Pool({ ...config, Client: PooledConnection, connectionTimeoutMillis: Math.max(waitMs, CONNECT_TIMEOUT_MS), max: options.max, idleTimeoutMillis: 30_000 });
  pool.on('connect', (client) => client.on('error', () => {}));
  pool.on('error', (error) => onIdleError?.(error));
  return pool;
}

class PooledConnection extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super({ ...(typeof config === 'string' ? { connectionString: config } : config), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  }
}

export type Db = pg.Pool;
export type Queryable = pg.Pool | pg.PoolClient;
