-- Up Migration
-- Who made each change. Events carry it (optional in the event schema: rows written before have none).
ALTER TABLE outbox ADD COLUMN actor jsonb;

-- Every write, with its actor, in the same transaction as the change itself. Unlike the outbox (pruned after
-- OUTBOX_RETENTION_HOURS) it is kept. The actor's name is copied, so the history reads the same after a key
-- is revoked or renamed. No foreign keys: the subjects and actors it names may be deleted, their history not.
CREATE TABLE audit_log (
  id           bigserial   PRIMARY KEY,
  action       text        NOT NULL,
  subject_type text        NOT NULL,
  subject_id   uuid        NOT NULL,
  -- [{ field, from, to }, ...]: the fields that changed.
  change       jsonb       NOT NULL,
  actor_type   text        NOT NULL CHECK (actor_type IN ('user', 'api_key', 'guest', 'system')),
  actor_id     uuid        CHECK ((actor_id IS NOT NULL) = (actor_type IN ('user', 'api_key'))),
  actor_name   text        NOT NULL CHECK (length(actor_name) BETWEEN 1 AND 254),
  occurred_at  timestamptz NOT NULL DEFAULT now(),
  -- The outbox row of the change's event, if it has one; the relay copies its seq here when it assigns it.
  outbox_id    bigint,
  event_seq    bigint
);

-- GET /v1/audit: one subject's changes, or one actor's, newest first (keyset on id).
CREATE INDEX audit_log_subject_idx ON audit_log (subject_type, subject_id, id DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_type, actor_id, id DESC);
-- The relay's lookup of entries still waiting for their event's seq; stays small.
CREATE INDEX audit_log_unsequenced_idx ON audit_log (outbox_id) WHERE outbox_id IS NOT NULL AND event_seq IS NULL;

-- Down Migration
DROP TABLE audit_log;
ALTER TABLE outbox DROP COLUMN actor;
