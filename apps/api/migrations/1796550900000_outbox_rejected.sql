-- Up Migration
-- The relay checks every row against the event schema before publishing it. A row that fails (a bug in
-- the code that wrote it) is set aside here with the reason instead of published: it is never retried,
-- never pruned, and no longer counts as waiting, so it neither blocks the rows behind it nor vanishes.
ALTER TABLE outbox ADD COLUMN rejected_at timestamptz, ADD COLUMN rejection text;

DROP INDEX outbox_unpublished_idx;
CREATE INDEX outbox_unpublished_idx ON outbox (seq) WHERE published_at IS NULL AND rejected_at IS NULL;

-- Down Migration
DROP INDEX outbox_unpublished_idx;
CREATE INDEX outbox_unpublished_idx ON outbox (seq) WHERE published_at IS NULL;
ALTER TABLE outbox DROP COLUMN rejection, DROP COLUMN rejected_at;
