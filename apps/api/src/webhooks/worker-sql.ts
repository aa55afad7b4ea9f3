/**
 * A condition that holds only while `holder` has the worker lease at `generation` and it has not lapsed:
 * every write of the worker carries it, so a holder that lost the lease (frozen, stalled) moves no cursor.
 */
export function leaseFence(holderParam: number, generationParam: number): string {
  return `EXISTS (SELECT 1 FROM webhook_worker_lease WHERE lease_holder = $${holderParam} AND lease_generation = $${generationParam} AND lease_expires_at > clock_timestamp())`;
}

/** The history's epoch, the last seq the relay published, and the oldest seq the outbox still keeps. */
export const READ_HISTORY = `
  SELECT epoch,
    coalesce((SELECT seq FROM outbox WHERE published_at IS NOT NULL ORDER BY seq DESC LIMIT 1), 0) AS published,
    (SELECT min(seq) FROM outbox WHERE seq IS NOT NULL) AS oldest
  FROM outbox_sequence`;

export interface History {
  epoch: string;
  published: number;
  oldest: number | null;
}

/** The enabled endpoints with what delivering needs, in a stable order (the worker rotates through it). */
export const READ_ENDPOINTS = `
  SELECT id, url, event_types AS "eventTypes", topics, max_batch_size AS "maxBatchSize", secret,
    CASE WHEN previous_secret_until > now() THEN previous_secret END AS "previousSecret",
    cursor_epoch AS "cursorEpoch", cursor_seq AS "cursorSeq", cursor_revision AS revision,
    attempts, (next_attempt_at IS NULL OR next_attempt_at <= now()) AS due
  FROM webhook_endpoints WHERE enabled
  ORDER BY created_at, id`;

export interface DeliveryEndpoint {
  id: string;
  url: string;
  eventTypes: string[] | null;
  topics: string[] | null;
  maxBatchSize: number;
  /** Sealed (secret-sealer.ts), as stored. */
  secret: string;
  previousSecret: string | null;
  cursorEpoch: string | null;
  cursorSeq: number;
  revision: number;
  attempts: number;
  due: boolean;
}

/** The published events after a seq (rejected rows were never published: they are steps over). */
export const READ_EVENTS = `
  SELECT seq, type, topics, data, actor, occurred_at AS "occurredAt"
  FROM outbox WHERE seq > $1 AND published_at IS NOT NULL
  ORDER BY seq LIMIT $2`;

export interface EventRow {
  seq: number;
  type: string;
  topics: string[];
  data: unknown;
  actor: unknown;
  occurredAt: string;
}

/**
 * Counts a failed attempt and schedules the next one after $3 ms; says whether the endpoint has now been
 * failing for at least $6 ms (then it is disabled).
 */
export const RECORD_FAILURE = `
  UPDATE webhook_endpoints
  SET attempts = attempts + 1, failing_since = coalesce(failing_since, now()),
      next_attempt_at = now() + make_interval(secs => $3::float8 / 1000)
  WHERE id = $1 AND cursor_revision = $2 AND enabled AND ${leaseFence(4, 5)}
  RETURNING now() - failing_since >= make_interval(secs => $6::float8 / 1000) AS expired`;

/**
 * The lanes' delivered messages and cursor moves (delivery-log-writer.ts), several lanes in one statement
 * (one commit). Lanes: endpoint ids $1, the revisions they read $2, cursor positions $3 (epoch), $4 (seq).
 * Log rows $7-$16, arrays in sending order, each naming its endpoint. All fenced by the lease ($5, $6).
 * An endpoint's rows are logged while it exists (locked first, so a concurrent delete either waits or is
 * seen: no row references a deleted endpoint); its cursor moves only from the revision read, after the
 * rows are in (the sub-statements' order is otherwise unspecified, and a row this statement updated
 * before its lock would be skipped by the lock), and never past what this database's history has
 * published. With no rows for a lane it is that cursor's move alone (events the endpoint does not take).
 * Returns the endpoints whose cursor moved.
 *
 * The history fence: a write in flight while the database is restored lands in the restored one, which
 * may not have those events any more, and whose next events reuse their seqs (in a new epoch). Moved
 * there, the cursor would claim the new events as delivered; refused, it stays where the restore put it.
 */
export const LOG_DELIVERED_AND_ADVANCE = `
  WITH lanes AS (
    SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::bigint[]) AS l(endpoint_id, revision, epoch, seq)
  ), present AS (
    SELECT id FROM webhook_endpoints
    WHERE id IN (SELECT endpoint_id FROM lanes) AND ${leaseFence(5, 6)}
    ORDER BY id FOR KEY SHARE
  ), logged AS (
    INSERT INTO webhook_deliveries (endpoint_id, message_id, event_seq, last_event_seq, event_count, type, attempt, status_code, latency_ms, error, succeeded, attempted_at)
    SELECT d.endpoint_id, d.message_id, d.event_seq, d.last_event_seq, d.event_count, d.type, d.attempt, d.status_code, d.latency_ms, NULL, true, d.attempted_at
    FROM unnest($7::uuid[], $8::text[], $9::bigint[], $10::bigint[], $11::int[], $12::text[], $13::int[], $14::int[], $15::int[], $16::timestamptz[])
      WITH ORDINALITY AS d(endpoint_id, message_id, event_seq, last_event_seq, event_count, type, attempt, status_code, latency_ms, attempted_at, n)
    WHERE d.endpoint_id IN (SELECT id FROM present)
    ORDER BY d.n
    RETURNING 1
  )
  UPDATE webhook_endpoints e
  SET cursor_epoch = l.epoch, cursor_seq = l.seq, attempts = 0, failing_since = NULL, next_attempt_at = NULL
  FROM lanes l, outbox_sequence s
  WHERE e.id = l.endpoint_id AND e.cursor_revision = l.revision AND e.enabled AND ${leaseFence(5, 6)}
    AND s.epoch = l.epoch AND s.published_seq >= l.seq
    AND (SELECT count(*) FROM logged) >= 0
  RETURNING e.id`;

/** The delivery log's reference to its endpoint (deleting the endpoint deletes its log). */
export const DELIVERY_LOG_ENDPOINT_KEY = 'webhook_deliveries_endpoint_id_fkey';

export const LOG_ATTEMPT = `
  INSERT INTO webhook_deliveries (endpoint_id, message_id, event_seq, type, attempt, status_code, latency_ms, error, succeeded, last_event_seq, event_count)
  SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $12, $13
  WHERE EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = $1) AND ${leaseFence(10, 11)}`;

export const PRUNE_LOG = 'DELETE FROM webhook_deliveries WHERE attempted_at < now() - make_interval(hours => $1)';
