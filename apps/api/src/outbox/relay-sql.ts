/** The relay's statements (relay.ts): seqs, the published position, rejections, housekeeping. */

// For the relay's own session. Its reads walk an index in key order and stop at their LIMIT; as they pass
// the entry of a row that is dead to every transaction, they mark it dead, and later walks step over it
// without visiting the row. A bitmap scan, which the planner picks when the LIMIT is above its estimate
// of the matching rows, visits every entry and marks none: the seq assignment then read every row updated
// since the last vacuum, each time (30 ms at 63,000 rows, in the webhooks bench, and growing).
export const RELAY_SESSION_SETTINGS = 'SET enable_bitmapscan = off';

// Seqs are handed out in id order among the rows visible now and committed before anything is
// published, so a seq never changes once given and never goes backwards. Only by the lease's current
// generation: the counter's row lock orders this against a takeover, and a stale holder assigns nothing.
// The audit entries of those events get the seq in the same statement: the audit log outlives the
// pruned outbox rows.
export const ASSIGN_SEQS = `
  WITH pending AS (
    SELECT id, row_number() OVER (ORDER BY id) AS n
    FROM (SELECT id FROM outbox WHERE seq IS NULL ORDER BY id LIMIT $1) AS unassigned
  ), counter AS (
    UPDATE outbox_sequence SET last_seq = last_seq + (SELECT count(*) FROM pending)
    WHERE lease_holder = $2 AND lease_generation = $3
    RETURNING last_seq - (SELECT count(*) FROM pending) AS base
  ), assigned AS (
    UPDATE outbox o SET seq = counter.base + pending.n
    FROM pending, counter WHERE o.id = pending.id AND o.seq IS NULL
    RETURNING o.id, o.seq
  )
  UPDATE audit_log a SET event_seq = assigned.seq
  FROM assigned WHERE a.outbox_id = assigned.id AND a.event_seq IS NULL`;

// From just past the published position (outbox_sequence.published_seq), never from the index's start:
// published rows leave their entries in outbox_unpublished_idx until a vacuum removes them.
export const NEXT_UNPUBLISHED = `
  SELECT seq, type, topics, data, actor, occurred_at AS "occurredAt"
  FROM outbox WHERE seq > (SELECT published_seq FROM outbox_sequence) AND published_at IS NULL AND rejected_at IS NULL
  ORDER BY seq LIMIT $1`;

// A batch is every unpublished row from its first seq to its last (the rows just read, in seq order), so the
// position moves to its last: every seq up to it is published or set aside.
export const MARK_PUBLISHED = `
  WITH marked AS (
    UPDATE outbox SET published_at = now()
    WHERE seq BETWEEN $1 AND $2 AND published_at IS NULL AND rejected_at IS NULL
  )
  UPDATE outbox_sequence SET published_seq = greatest(published_seq, $2)`;

export const MARK_REJECTED = 'UPDATE outbox SET rejected_at = now(), rejection = $2 WHERE seq = $1 AND published_at IS NULL';

export const READ_SEQUENCE = 'SELECT epoch, last_seq::float8 AS "lastSeq" FROM outbox_sequence';

export const READ_POSITION = `
  SELECT last_seq::float8 AS "lastSeq",
    (SELECT min(seq)::float8 FROM outbox WHERE seq > published_seq AND published_at IS NULL AND rejected_at IS NULL) AS pending
  FROM outbox_sequence`;

export const PRUNE_PUBLISHED = `
  DELETE FROM outbox WHERE published_at < now() - make_interval(hours => $1)
    AND seq <= coalesce((SELECT min(cursor_seq) FROM webhook_endpoints WHERE enabled), seq)`;
