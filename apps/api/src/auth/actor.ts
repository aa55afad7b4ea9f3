import { customerActor, GUEST_ACTOR, type Actor } from '@livecart/schemas';
import type { Principal } from './access.js';
import type { Shopper } from './shopper.js';

/**
 * Who a request's writes are recorded as: its staff user or API key; else its shopper, a signed-in customer
 * or a guest (also on public routes without any session).
 */
export function actorOf(principal: Principal | null, shopper: Shopper | null = null): Actor {
  if (principal !== null) return { type: principal.type, id: principal.id, name: principal.name };
  if (shopper?.customer != null) return customerActor(shopper.customer.id);
  return GUEST_ACTOR;
}
