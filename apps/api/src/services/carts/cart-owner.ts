/** Whose a cart is: a guest session's (by the session's row id) or a customer's. */
export type CartOwner = { sessionId: string } | { customerId: string };

/** The SQL condition naming the owner's cart, with the owner's id as parameter `$n`. */
export function ownerCondition(owner: CartOwner, n: number, alias = ''): { sql: string; value: string } {
  const p = alias === '' ? '' : `${alias}.`;
  return 'sessionId' in owner ? { sql: `${p}session_id = $${n}`, value: owner.sessionId } : { sql: `${p}customer_id = $${n}`, value: owner.customerId };
}

/** How long a cart and its holds live after its last activity. */
export interface CartTimes {
  cartTtlMs: number;
  holdTtlMs: number;
}
