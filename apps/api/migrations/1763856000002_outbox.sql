-- Up Migration
-- Events written in the same transaction as the change they describe.
-- `id` orders inserts but commits can land out of id order, so it is not the event order:
-- the relay (one at a time) gives each row its `seq` = last + 1 and commits that before publishing.
CREATE TABLE outbox (
  id           bigserial   PRIMARY KEY,
  seq          bigint      UNIQUE,
  type         text        NOT NULL,
  topics       jsonb       NOT NULL,
  data         jsonb       NOT NULL,
  occurred_at  timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);

CREATE INDEX outbox_unassigned_idx ON outbox (id) WHERE seq IS NULL;
CREATE INDEX outbox_unpublished_idx ON outbox (seq) WHERE published_at IS NULL;
CREATE INDEX outbox_published_idx ON outbox (published_at) WHERE published_at IS NOT NULL;

-- The last seq handed out, kept apart from the rows so that pruning old rows never rewinds it.
CREATE TABLE outbox_sequence (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_seq  bigint  NOT NULL CHECK (last_seq >= 0)
);
INSERT INTO outbox_sequence (singleton, last_seq) VALUES (true, 0);

-- Wakes the relay when a write commits (notifications are delivered at commit, once per transaction).
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('livecart_outbox', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
  FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- Down Migration
DROP TABLE outbox_sequence;
DROP TABLE outbox;
DROP FUNCTION outbox_notify();
