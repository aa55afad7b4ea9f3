import { GUEST_ACTOR, type Actor } from '@livecart/schemas';
import type { Principal } from './access.js';

/** Who a request's writes are recorded as: its staff user or API key, or a guest on a public route. */
export function actorOf(principal: Principal | null): Actor {
  if (principal === null) return GUEST_ACTOR;
  return { type: principal.type, id: principal.id, name: principal.name };
}
