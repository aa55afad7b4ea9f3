-- Up Migration
-- Units held in shoppers' carts. Available = stock - reserved; the checks make Postgres, not the
-- application, refuse any hold beyond what is on hand and any stock edit below what is held.
ALTER TABLE products
  ADD COLUMN reserved integer NOT NULL DEFAULT 0,
  ADD CONSTRAINT products_reserved_not_negative CHECK (reserved >= 0),
  ADD CONSTRAINT products_reserved_within_stock CHECK (reserved <= stock);

-- Shopper accounts, apart from staff: a customer can never be taken for a staff user.
CREATE TABLE customers (
  id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  email         text        NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  password_hash text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX customers_email_key ON customers (lower(email));

-- Shopper sessions: a guest's (customer_id null) or a customer's. Only the id's SHA-256 digest is stored.
CREATE TABLE shopper_sessions (
  id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  id_digest    bytea       NOT NULL UNIQUE,
  customer_id  uuid        REFERENCES customers (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX shopper_sessions_expires_idx ON shopper_sessions (expires_at);

-- A cart belongs to a guest session or to a customer, never both. No foreign key to the session: a cart
-- outlives a guest session only until it expires, and its holds are released by the sweeper, not a cascade.
CREATE TABLE carts (
  id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id    uuid,
  customer_id   uuid        REFERENCES customers (id) ON DELETE CASCADE,
  currency      text        CHECK (currency ~ '^[A-Z]{3}$'),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  CHECK ((session_id IS NULL) <> (customer_id IS NULL))
);
-- One current cart per owner.
CREATE UNIQUE INDEX carts_session_key ON carts (session_id) WHERE session_id IS NOT NULL;
CREATE UNIQUE INDEX carts_customer_key ON carts (customer_id) WHERE customer_id IS NOT NULL;
CREATE INDEX carts_expires_idx ON carts (expires_at);

-- A line holds `held` units of its product (its quantity, or 0 once the hold lapsed) until hold_expires_at.
-- The sum of held units over every line of a product is that product's `reserved`.
CREATE TABLE cart_lines (
  cart_id         uuid        NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
  product_id      uuid        NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  quantity        integer     NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
  held            integer     NOT NULL CHECK (held >= 0 AND held <= quantity),
  hold_expires_at timestamptz,
  added_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cart_id, product_id),
  CHECK ((held > 0) = (hold_expires_at IS NOT NULL))
);
CREATE INDEX cart_lines_hold_expires_idx ON cart_lines (hold_expires_at) WHERE held > 0;
CREATE INDEX cart_lines_product_idx ON cart_lines (product_id);

-- Shoppers write too: their actor types join the audit log's.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_type_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_actor_type_check CHECK (actor_type IN ('user', 'api_key', 'guest', 'customer', 'system'));
ALTER TABLE audit_log DROP CONSTRAINT audit_log_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_check CHECK ((actor_id IS NOT NULL) = (actor_type IN ('user', 'api_key', 'customer')));

-- Down Migration
ALTER TABLE audit_log DROP CONSTRAINT audit_log_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_check CHECK ((actor_id IS NOT NULL) = (actor_type IN ('user', 'api_key')));
ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_type_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_actor_type_check CHECK (actor_type IN ('user', 'api_key', 'guest', 'system'));
DROP TABLE cart_lines;
DROP TABLE carts;
DROP TABLE shopper_sessions;
DROP TABLE customers;
ALTER TABLE products DROP COLUMN reserved;
