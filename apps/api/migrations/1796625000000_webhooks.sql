-- Up Migration
-- Webhook endpoints: where the published events go, besides the live stream. Each keeps its own cursor in
-- the event history (the epoch and the last seq it received or skipped), so it receives every event, in
-- seq order, however long it was failing; the relay keeps outbox rows until every enabled endpoint is past
-- them. The signing secret is needed in clear to sign (HMAC): it is read by the delivery worker alone and
-- returned only by the creation and the rotation that made it.
CREATE TABLE webhook_endpoints (
  id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  url                 text        NOT NULL,
  description         text,
  -- Null: every event type / any topic.
  event_types         text[],
  topics              text[],
  enabled             boolean     NOT NULL DEFAULT true,
  disabled_reason     text        CHECK (disabled_reason IN ('manual', 'failing')),
  secret              text        NOT NULL,
  -- The secret before the last rotation still signs (beside the new one) until this time.
  previous_secret     text,
  previous_secret_until timestamptz,
  cursor_epoch        uuid,
  cursor_seq          bigint      NOT NULL CHECK (cursor_seq >= 0),
  -- Raised by every replay and re-enable: the worker moves the cursor only from the revision it read.
  cursor_revision     bigint      NOT NULL DEFAULT 0,
  -- The run of failures at the message the cursor waits on: since when, how many attempts, when the next.
  failing_since       timestamptz,
  attempts            integer     NOT NULL DEFAULT 0,
  next_attempt_at     timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CHECK ((disabled_reason IS NULL) = enabled)
);

-- Every attempt, kept for WEBHOOK_DELIVERY_LOG_RETENTION_HOURS.
CREATE TABLE webhook_deliveries (
  id           bigserial   PRIMARY KEY,
  endpoint_id  uuid        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  message_id   text        NOT NULL,
  event_seq    bigint,
  type         text        NOT NULL,
  attempt      integer     NOT NULL,
  status_code  integer,
  latency_ms   integer     NOT NULL,
  error        text,
  succeeded    boolean     NOT NULL,
  attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id DESC);
CREATE INDEX webhook_deliveries_attempted_idx ON webhook_deliveries (attempted_at);

-- The delivery worker's lease, like the relay's (one holder at a time across instances, renewed while
-- alive, taken over once it lapses; the generation fences every cursor move of a holder that lost it).
CREATE TABLE webhook_worker_lease (
  singleton        boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
  lease_holder     text,
  lease_generation bigint      NOT NULL DEFAULT 0,
  lease_expires_at timestamptz
);
INSERT INTO webhook_worker_lease (singleton) VALUES (true);

-- Down Migration
DROP TABLE webhook_worker_lease;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
