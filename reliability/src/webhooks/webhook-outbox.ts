import pg from 'pg';
import type { OutboxEntry } from './verify-webhooks.js';

/** Failed attempts in an endpoint's delivery log, by what went wrong. */
export interface FailedAttempts {
  /** The receiver answered, with something other than 2xx. */
  answered: Record<string, number>;
  /** No answer within the API's delivery timeout. */
  timedOut: number;
  /** No answer at all: refused, reset, closed. */
  connection: number;
}

/**
 * Postgres, read directly (bypassing the apps and their proxies): the outbox events endpoints must
 * receive, and the delivery log the API keeps of its attempts.
 */
export class WebhookOutbox {
  private readonly pool: pg.Pool;

  constructor(databaseUrl: string) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 5_000 });
    this.pool.on('error', () => {});
  }

  /** The last outbox row written so far (its id, drawn at insert; the seq comes with publishing). */
  async lastRowId(): Promise<number> {
    const { rows } = await this.pool.query<{ id: string | null }>('SELECT max(id) AS id FROM outbox');
    return Number(rows[0]?.id ?? 0);
  }

  /**
   * The events after `afterSeq` among the rows up to `upToRowId` (all rows when absent), in seq order; or
   * undefined while one of those rows is not published yet (then what an endpoint must receive is not
   * settled).
   */
  async published(afterSeq: number, upToRowId?: number): Promise<OutboxEntry[] | undefined> {
    const { rows } = await this.pool.query<{ seq: string | null; type: string; topics: string[]; occurred_ms: number; published: boolean }>(
      `SELECT seq, type, topics, (extract(epoch FROM occurred_at) * 1000)::float8 AS occurred_ms, published_at IS NOT NULL AS published
       FROM outbox WHERE (seq IS NULL OR seq > $1) AND id <= $2 ORDER BY seq NULLS LAST`,
      [afterSeq, upToRowId ?? Number.MAX_SAFE_INTEGER],
    );
    if (rows.some((row) => row.seq === null || !row.published)) return undefined;
    return rows.map((row) => ({ seq: Number(row.seq), type: row.type, topics: row.topics, occurredAt: row.occurred_ms }));
  }

  async epoch(): Promise<string> {
    const { rows } = await this.pool.query<{ epoch: string }>('SELECT epoch FROM outbox_sequence');
    const epoch = rows[0]?.epoch;
    if (epoch === undefined) throw new Error('outbox_sequence has no row');
    return epoch;
  }

  /** The failed attempts the API logged for one endpoint. */
  async failedAttempts(endpointId: string): Promise<FailedAttempts> {
    const { rows } = await this.pool.query<{ status_code: number | null; error: string; count: number }>(
      'SELECT status_code, error, count(*)::int AS count FROM webhook_deliveries WHERE endpoint_id = $1 AND NOT succeeded GROUP BY 1, 2',
      [endpointId],
    );
    const failed: FailedAttempts = { answered: {}, timedOut: 0, connection: 0 };
    for (const row of rows) {
      if (row.status_code !== null) failed.answered[row.status_code] = (failed.answered[row.status_code] ?? 0) + row.count;
      else if (row.error.startsWith('no answer within')) failed.timedOut += row.count;
      else failed.connection += row.count;
    }
    return failed;
  }

  /** An endpoint's delivery state as the API keeps it, in a line (for failure messages). */
  async endpointState(endpointId: string): Promise<string> {
    const { rows } = await this.pool.query<Record<string, unknown>>(
      `SELECT enabled, cursor_seq, attempts, failing_since, next_attempt_at,
         (SELECT max(seq) FROM outbox WHERE published_at IS NOT NULL) AS published_seq,
         (SELECT json_build_object('count', count(*), 'avgMs', avg(latency_ms)::int, 'first', min(attempted_at), 'last', max(attempted_at))
          FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND succeeded) AS delivered
       FROM webhook_endpoints e WHERE id = $1`,
      [endpointId],
    );
    return JSON.stringify(rows[0] ?? null);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
