-- Up Migration
-- Where an order's confirmation and news go: the email given at checkout (a signed-in customer's account
-- email when none is given). Null for orders placed by POST /v1/orders and for those placed before it.
ALTER TABLE orders ADD COLUMN contact_email text CHECK (contact_email IS NULL OR length(contact_email) BETWEEN 3 AND 254);

-- Down Migration
ALTER TABLE orders DROP COLUMN contact_email;
