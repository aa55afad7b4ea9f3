import { customerActor } from '@livecart/schemas';
import type pg from 'pg';
import { recordChanges } from '../../db/record-changes.js';

export interface ClaimGuestOrdersOptions {
  /** The sign-in's transaction. */
  client: pg.PoolClient;
  guestSessionId: string;
  customerId: string;
}

/**
 * Gives the orders a guest session checked out to the customer who signs in from it: the guest session
 * ends at sign-in, so its orders would otherwise be open only to their link tokens. One audit row per order.
 */
export async function claimGuestOrders({ client, guestSessionId, customerId }: ClaimGuestOrdersOptions): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(
    'UPDATE orders SET customer_id = $1 WHERE guest_session_id = $2 AND customer_id IS NULL RETURNING id',
    [customerId, guestSessionId],
  );
  await recordChanges(
    client,
    customerActor(customerId),
    rows.map(({ id }) => ({ action: 'order.claimed' as const, subject: { type: 'order' as const, id }, change: [{ field: 'customerId', from: null, to: customerId }] })),
  );
  return rows.map(({ id }) => id);
}
