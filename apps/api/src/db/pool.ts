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
}

/**
 * How much longer than the server's statement_timeout the client itself waits for an answer. The server
 * cancels a slow statement first when it can; this catches the case where it cannot answer at all (a
 * network path that stalls, a server that hangs), which would otherwise hold the request forever.
 */
export const QUERY_TIMEOUT_MARGIN_MS = 1_000;

export function connectionConfig(options: Omit<PoolOptions, 'max'>): pg.ClientConfig {
  return {
    connectionString: options.connectionString,
    application_name: options.applicationName,
    statement_timeout: options.statementTimeoutMs,
    query_timeout: options.statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS,
    // A lock wait longer than a request's patience is an outage, not a queue.
    lock_timeout: options.statementTimeoutMs,
    connectionTimeoutMillis: 3_000,
    types: pgTypes,
  };
}

export function createPool(options: PoolOptions): pg.Pool {
  return new pg.Pool({ ...connectionConfig(options), max: options.max, idleTimeoutMillis: 30_000 });
}

export type Db = pg.Pool;
export type Queryable = pg.Pool | pg.PoolClient;
