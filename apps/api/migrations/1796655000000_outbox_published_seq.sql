-- Up Migration
-- The relay's published position, kept with the rows it describes: every row with a seq up to
-- published_seq is published or set aside. The relay reads the next rows from just past it, so a read costs
-- what it returns, not the index entries every published row leaves behind until a vacuum (a bitmap scan of
-- outbox_unpublished_idx from its start visited all of them: 36 ms a read at 60,000 rows). A restore brings
-- the position back with the rows, so it never points past a history that went back; a change that moves
-- last_seq back alone (not a restore) is refused rather than leaving the position ahead of the seqs to come.
ALTER TABLE outbox_sequence ADD COLUMN published_seq bigint NOT NULL DEFAULT 0;
UPDATE outbox_sequence SET published_seq = coalesce(
  (SELECT min(seq) - 1 FROM outbox WHERE published_at IS NULL AND rejected_at IS NULL AND seq IS NOT NULL),
  last_seq);
ALTER TABLE outbox_sequence ADD CONSTRAINT outbox_sequence_published_seq_check CHECK (published_seq BETWEEN 0 AND last_seq);

-- Down Migration
ALTER TABLE outbox_sequence DROP COLUMN published_seq;
