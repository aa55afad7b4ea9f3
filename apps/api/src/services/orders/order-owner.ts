/**
 * Who placed an order through checkout: a customer (every session of theirs may act on it) or a guest
 * session (that session; the customer who signs in from it takes its orders over). Orders placed through
 * POST /v1/orders have the shopper session's owner when the request had one, else none: only their link
 * token opens them.
 */
export type OrderOwner = { customerId: string } | { guestSessionId: string };
