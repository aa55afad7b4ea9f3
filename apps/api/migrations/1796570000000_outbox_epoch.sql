-- Up Migration
-- The epoch of this database's event history (see @livecart/schemas' transport contract): seqs are only
-- comparable within one epoch. A new database gets a new one here; the relay replaces it whenever the
-- Redis stream shows that this database's seqs went back (a restore, a failover that lost commits, a new
-- database under a prefix whose stream holds another history), so the same seq never names two events.
ALTER TABLE outbox_sequence ADD COLUMN epoch uuid NOT NULL DEFAULT gen_random_uuid();

-- Down Migration
ALTER TABLE outbox_sequence DROP COLUMN epoch;
