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
   * The longest a caller waits for a connection while all `max` are in use, as long as the pool is getting
   * work done; default {@link DEFAULT_POOL_WAIT_MS}. A pool that has released no connection for
   * {@link POOL_STALL_MS} lets its waiters go at once (a 503).
   */
  waitMs?: number;
}

/** Opening a connection to a Postgres that does not answer fails after this long. */
export const CONNECT_TIMEOUT_MS = 3_000;
export const DEFAULT_POOL_WAIT_MS = 10_000;
/** A waiter gives up once the pool has released no connection for this long (nor since it began to wait). */
export const POOL_STALL_MS = 3_000;

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
 */
export function createPool(options: PoolOptions): pg.Pool {
  const { onIdleError, waitMs = DEFAULT_POOL_WAIT_MS, ...rest } = options;
  const pool = new ProgressPool({ ...connectionConfig(rest), Client: PooledConnection, connectionTimeoutMillis: Math.max(waitMs, CONNECT_TIMEOUT_MS), max: options.max, idleTimeoutMillis: 30_000 });
  pool.on('connect', (client) => client.on('error', () => {}));
  pool.on('error', (error) => onIdleError?.(error));
  return pool;
}

/** pg-pool's one timeout is its longest queue wait here; each connection keeps the connect timeout for itself. */
class PooledConnection extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super({ ...(typeof config === 'string' ? { connectionString: config } : config), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  }
}

type ConnectCallback = (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void;

/**
 * Tells a burst from a stall. A thousand requests at once queue for connections that are each back in
 * milliseconds: they may wait up to the pool's own timeout. When no connection has come back for
 * POOL_STALL_MS (Postgres frozen, a network path dropping packets), waiting longer only holds requests
 * past their callers' patience: every waiter is let go with pg-pool's own timeout error, and a connection
 * that reaches one of them later goes straight back to the pool. `query` acquires through `connect` too.
 */
class ProgressPool extends pg.Pool {
  private lastRelease = performance.now();
  private readonly waiters = new Set<{ since: number; giveUp: () => void }>();
  private watch: NodeJS.Timeout | undefined;

  constructor(config: pg.PoolConfig) {
    super(config);
    this.on('release', () => {
      this.lastRelease = performance.now();
    });
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    const acquired = this.acquire();
    if (callback === undefined) return acquired;
    acquired.then(
      (client) => callback(undefined, client, (release?: unknown) => client.release(release as boolean | Error | undefined)),
      (error: Error) => callback(error, undefined, () => {}),
    );
  }

  private acquire(): Promise<pg.PoolClient> {
    // Watched even when a connection looks free: pg-pool hands an idle one over on the next tick, and
    // another caller may take it first.
    return new Promise((resolve, reject) => {
      let gaveUp = false;
      const waiter = {
        since: performance.now(),
        giveUp: () => {
          gaveUp = true;
          reject(new Error('timeout exceeded when trying to connect'));
        },
      };
      this.waiters.add(waiter);
      this.watchWaiters();
      super.connect().then(
        (client) => (gaveUp ? client.release() : resolve(client)),
        (error: unknown) => gaveUp || reject(error as Error),
      ).finally(() => this.waiters.delete(waiter));
    });
  }

  private watchWaiters(): void {
    if (this.watch !== undefined) return;
    this.watch = setInterval(() => {
      const now = performance.now();
      for (const waiter of this.waiters) {
        if (now - Math.max(waiter.since, this.lastRelease) < POOL_STALL_MS) continue;
        this.waiters.delete(waiter);
        waiter.giveUp();
      }
      if (this.waiters.size === 0) {
        clearInterval(this.watch);
        this.watch = undefined;
      }
    }, 100);
    this.watch.unref();
  }
}

export type Db = pg.Pool;
export type Queryable = pg.Pool | pg.PoolClient;
