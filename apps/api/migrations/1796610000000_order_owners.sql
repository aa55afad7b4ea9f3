-- Up Migration
-- Who placed an order: a customer (customer_id) or a guest session (guest_session_id, the session's row id;
-- no foreign key: the session row is deleted when it ends, and the id, a random uuid, is never reused).
-- Orders placed through POST /v1/orders without a session keep neither: only their link token opens them.
-- A guest's orders pass to the customer who signs in from that session (sign-in sets customer_id).
ALTER TABLE orders
  ADD COLUMN customer_id uuid REFERENCES customers (id) ON DELETE SET NULL,
  ADD COLUMN guest_session_id uuid;

-- The order history's keyset: a customer's orders, newest first.
CREATE INDEX orders_customer_idx ON orders (customer_id, created_at DESC, id DESC) WHERE customer_id IS NOT NULL;
CREATE INDEX orders_guest_session_idx ON orders (guest_session_id) WHERE guest_session_id IS NOT NULL;

-- The unit price a cart line was last shown at (noted by every cart action): a checkout refused for a
-- changed price names each line's old and new price. Null for lines noted before this column existed.
ALTER TABLE cart_lines ADD COLUMN shown_price_minor bigint;

-- Down Migration
ALTER TABLE cart_lines DROP COLUMN shown_price_minor;
DROP INDEX orders_guest_session_idx;
DROP INDEX orders_customer_idx;
ALTER TABLE orders DROP COLUMN guest_session_id, DROP COLUMN customer_id;
