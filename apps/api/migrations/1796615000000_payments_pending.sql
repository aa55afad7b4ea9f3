-- Up Migration
-- Payments still waiting for their provider's confirmation, oldest first: the test provider looks for the
-- overdue ones on every instance (see test-provider.ts), so the lookup must not scan every payment.
CREATE INDEX payments_pending_idx ON payments (created_at) WHERE status = 'pending';

-- Down Migration
DROP INDEX payments_pending_idx;
