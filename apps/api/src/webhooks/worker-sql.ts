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
 * Delivered messages, in one statement (one commit): their log rows ($2-$8, $14, $15: arrays in sending
 * order), and the cursor moved past them ($11, $12), all fenced by the lease; the cursor only from the
 * revision read ($13), and never past what this database's history has published. With no rows it is the
 * cursor move alone (events the endpoint does not take). Counts 1 when the cursor moved.
 *
 * The history fence: a write in flight while the database is restored lands in the restored one, which
 * may not have those events any more, and whose next events reuse their seqs (in a new epoch). Moved
 * there, the cursor would claim the new events as delivered; refused, it stays where the restore put it.
 */
export const LOG_DELIVERED_AND_ADVANCE = `
  WITH logged AS (
    INSERT INTO webhook_deliveries (endpoint_id, message_id, event_seq, last_event_seq, event_count, type, attempt, status_code, latency_ms, error, succeeded, attempted_at)
    SELECT $1, d.message_id, d.event_seq, d.last_event_seq, d.event_count, d.type, d.attempt, d.status_code, d.latency_ms, NULL, true, d.attempted_at
    FROM unnest($2::text[], $3::bigint[], $4::text[], $5::int[], $6::int[], $7::int[], $8::timestamptz[], $14::bigint[], $15::int[])
      WITH ORDINALITY AS d(message_id, event_seq, type, attempt, status_code, latency_ms, attempted_at, last_event_seq, event_count, n)
    WHERE EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = $1) AND ${leaseFence(9, 10)}
    ORDER BY d.n
  )
  UPDATE webhook_endpoints
  SET cursor_epoch = $11, cursor_seq = $12, attempts = 0, failing_since = NULL, next_attempt_at = NULL
  WHERE id = $1 AND cursor_revision = $13 AND enabled AND ${leaseFence(9, 10)}
    AND EXISTS (SELECT 1 FROM outbox_sequence WHERE epoch = $11 AND published_seq >= $12)`;

/** The delivery log's reference to its endpoint (deleting the endpoint deletes its log). */
export const DELIVERY_LOG_ENDPOINT_KEY = 'webhook_deliveries_endpoint_id_fkey';

export const LOG_ATTEMPT = `
  INSERT INTO webhook_deliveries (endpoint_id, message_id, event_seq, type, attempt, status_code, latency_ms, error, succeeded, last_event_seq, event_count)
  SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $12, $13
  WHERE EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = $1) AND ${leaseFence(10, 11)}`;

export const PRUNE_LOG = 'DELETE FROM webhook_deliveries WHERE attempted_at < now() - make_interval(hours => $1)';
