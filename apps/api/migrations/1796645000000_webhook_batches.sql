-- Up Migration
-- Batched deliveries: an endpoint may take up to max_batch_size consecutive matching events per request
-- (1: one event per request, as before). The delivery log keeps one row per request: its first and last
-- event's seq and how many events it carried (0 for a reset notice).
ALTER TABLE webhook_endpoints ADD COLUMN max_batch_size integer NOT NULL DEFAULT 1 CHECK (max_batch_size BETWEEN 1 AND 1000);
ALTER TABLE webhook_deliveries ADD COLUMN last_event_seq bigint, ADD COLUMN event_count integer NOT NULL DEFAULT 1 CHECK (event_count >= 0);
UPDATE webhook_deliveries SET last_event_seq = event_seq, event_count = CASE WHEN event_seq IS NULL THEN 0 ELSE 1 END;

-- Down Migration
ALTER TABLE webhook_deliveries DROP COLUMN event_count, DROP COLUMN last_event_seq;
ALTER TABLE webhook_endpoints DROP COLUMN max_batch_size;
