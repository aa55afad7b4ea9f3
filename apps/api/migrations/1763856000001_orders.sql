-- Up Migration
CREATE TABLE orders (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  status      text        NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed')),
  currency    text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  total_minor bigint      NOT NULL CHECK (total_minor >= 0),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE order_items (
  order_id         uuid     NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  position         smallint NOT NULL,
  -- No foreign key: an order is history and outlives the product it names (sku, name and price are copied).
  product_id       uuid     NOT NULL,
  sku              text     NOT NULL,
  name             text     NOT NULL,
  quantity         integer  NOT NULL CHECK (quantity > 0),
  unit_price_minor bigint   NOT NULL CHECK (unit_price_minor >= 0),
  line_total_minor bigint   NOT NULL CHECK (line_total_minor >= 0),
  PRIMARY KEY (order_id, position)
);

CREATE INDEX order_items_product_idx ON order_items (product_id);

-- The first outcome of a request carrying an Idempotency-Key, replayed to every retry.
-- The row is inserted first in the order's transaction, so a concurrent retry waits on it.
CREATE TABLE idempotency_keys (
  key          text        PRIMARY KEY,
  request_hash text        NOT NULL,
  status_code  smallint,
  response     jsonb,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- Down Migration
DROP TABLE idempotency_keys;
DROP TABLE order_items;
DROP TABLE orders;
