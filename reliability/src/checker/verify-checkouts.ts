import type { WriteOutcome } from './api-load.js';
import type { Truth } from './truth.js';

export interface CheckoutReport {
  /** Shopper flows started, and those whose checkout was acknowledged (201: an order). */
  checkouts: number;
  ordered: number;
  /** Orders whose payment was accepted, and those of them Postgres shows paid. */
  paymentsAccepted: number;
  paid: number;
  /** Flows refused for good at some step (none is expected: stock is ample, a changed total is confirmed again). */
  refused: string[];
  /** Products whose reserved units differ from the sum of the holds on them (stock leaked or holds uncounted). */
  unaccountedReservations: string[];
  /** Guest sessions with more than one order: a retried checkout that ordered twice. */
  duplicateOrders: string[];
}

/**
 * The shoppers' side of a run, from Postgres once the load stopped: every acknowledged checkout has its
 * order (checked with the other acknowledged writes), no session ordered twice, every reserved unit is
 * held by a cart line, and accepted payments end confirmed. Waits up to `confirmWithinMs` for the test
 * provider's confirmations still on their way.
 */
export async function verifyCheckouts(writes: readonly WriteOutcome[], truth: Truth, confirmWithinMs = 15_000): Promise<CheckoutReport> {
  const flows = writes.filter((write) => write.op === 'checkout');
  const accepted = flows.flatMap((flow) => (flow.paymentAccepted === true && flow.orderId !== undefined ? [flow.orderId] : []));
  let paid = 0;
  for (const deadline = Date.now() + confirmWithinMs; ; ) {
    const statuses = await truth.orderStatuses(accepted);
    paid = accepted.filter((id) => statuses.get(id) === 'paid').length;
    if (paid === accepted.length || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const reservations = await truth.unaccountedReservations();
  const duplicates = await truth.sessionsWithSeveralOrders();
  return {
    checkouts: flows.length,
    ordered: flows.filter((flow) => flow.acked).length,
    paymentsAccepted: accepted.length,
    paid,
    refused: flows.flatMap((flow) => (flow.refusal === undefined ? [] : [flow.refusal])),
    unaccountedReservations: reservations.map((row) => `product ${row.id}: ${row.reserved} reserved, ${row.held} held by cart lines`),
    duplicateOrders: duplicates.map((row) => `session ${row.session} owns ${row.orders} orders`),
  };
}
