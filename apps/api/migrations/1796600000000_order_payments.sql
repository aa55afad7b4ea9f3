-- Up Migration
-- Orders become a state machine: pending_payment → paid → fulfilled, or cancelled / expired. The only
-- status there was, confirmed, meant "stock taken, order final": those orders count as paid (they were
-- never charged, but nothing about them waits for a payment, and they may still be fulfilled).
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
UPDATE orders SET status = 'paid' WHERE status = 'confirmed';
ALTER TABLE orders
  ALTER COLUMN status SET DEFAULT 'pending_payment',
  ADD CONSTRAINT orders_status_check CHECK (status IN ('pending_payment', 'paid', 'fulfilled', 'cancelled', 'expired')),
  ADD COLUMN updated_at timestamptz,
  -- When an unpaid order expires (its stock goes back); null for the orders placed before payments.
  ADD COLUMN payment_due_at timestamptz,
  ADD CONSTRAINT orders_payment_due_check CHECK (status <> 'pending_payment' OR payment_due_at IS NOT NULL);
UPDATE orders SET updated_at = created_at;
ALTER TABLE orders ALTER COLUMN updated_at SET NOT NULL, ALTER COLUMN updated_at SET DEFAULT now();

-- The expiry sweep's lookup: unpaid orders by deadline. Stays as small as the orders waiting for payment.
CREATE INDEX orders_payment_due_idx ON orders (payment_due_at) WHERE status = 'pending_payment';

-- Every attempt to pay an order, with the provider's id of it. A card number is never stored, its last
-- four digits are.
CREATE TABLE payments (
  id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id            uuid        NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  provider            text        NOT NULL CHECK (provider IN ('test')),
  provider_payment_id text        NOT NULL,
  status              text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'refunded')),
  amount_minor        bigint      NOT NULL CHECK (amount_minor >= 0),
  currency            text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  card_last4          text        CHECK (card_last4 ~ '^[0-9]{4}$'),
  provider_refund_id  text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (provider, provider_payment_id)
);

CREATE INDEX payments_order_idx ON payments (order_id, created_at);

-- Webhook deliveries already handled, by the provider's delivery id (Standard Webhooks `webhook-id`): a
-- replayed delivery finds its row and changes nothing. Inserted in the transaction that acts on it.
CREATE TABLE payment_webhook_deliveries (
  provider     text        NOT NULL,
  delivery_id  text        NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, delivery_id)
);

-- Down Migration
DROP TABLE payment_webhook_deliveries;
DROP TABLE payments;
DROP INDEX orders_payment_due_idx;
ALTER TABLE orders DROP CONSTRAINT orders_payment_due_check, DROP CONSTRAINT orders_status_check,
  DROP COLUMN payment_due_at, DROP COLUMN updated_at;
UPDATE orders SET status = 'confirmed' WHERE status <> 'confirmed';
ALTER TABLE orders
  ALTER COLUMN status SET DEFAULT 'confirmed',
  ADD CONSTRAINT orders_status_check CHECK (status IN ('confirmed'));
