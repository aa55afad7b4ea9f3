-- Up Migration
-- The relay's lease on this event history (one per outbox_sequence row, so a partitioned outbox gets one
-- per partition): who holds it, until when, and its generation, a fencing token raised at every takeover.
-- The holder renews the lease well before it lapses; any instance takes it once it has lapsed. A holder
-- that was frozen past its lease finds its generation superseded: Postgres refuses its seq assignments and
-- epoch changes, and the Redis stream's epoch record (which keeps the highest generation that wrote to it)
-- refuses its publishes.
ALTER TABLE outbox_sequence
  ADD COLUMN lease_holder text,
  ADD COLUMN lease_generation bigint NOT NULL DEFAULT 0,
  ADD COLUMN lease_expires_at timestamptz;

-- Down Migration
ALTER TABLE outbox_sequence DROP COLUMN lease_holder, DROP COLUMN lease_generation, DROP COLUMN lease_expires_at;
