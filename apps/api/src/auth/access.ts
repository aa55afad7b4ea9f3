import { STAFF_ROLES, type ApiKeyScope, type StaffRole } from '@livecart/schemas';

/**
 * What a route needs, declared once in its options (`config.access`): a signed-in staff user with at
 * least `role`, or an API key holding `scope`. Without `scope`, API keys cannot call the route at all.
 *
 * With `owner: 'order'`, the owner of the order the route names (`:id`) may call it too: a staff
 * credential that does not pass is then not refused here; the route resolves the order's owner
 * (auth/order-access.ts) and answers 404 to anyone who is neither, as if the order did not exist.
 * With `owner: 'topics'` (the realtime token route), staff, shopper sessions and order-link holders may
 * call it: staff who pass are let through as staff, and the route authorizes each topic for whoever asks.
 */
export interface Access {
  role: StaffRole;
  scope?: ApiKeyScope;
  owner?: 'order' | 'topics';
}

/**
 * What a shoppers' route needs instead (`config.access` too): a shopper session, a guest's or a customer's
 * (`session`; routes that may start a guest session do so themselves), or a signed-in customer's
 * (`customer`). Staff credentials are not shopper sessions: a staff cookie or key counts for nothing here,
 * and a shopper's cookie for nothing on staff routes.
 */
export interface ShopperAccess {
  shopper: 'session' | 'customer';
}

export function isShopperAccess(access: Access | ShopperAccess): access is ShopperAccess {
  return 'shopper' in access;
}

/** How a shoppers' route shows in OpenAPI: the shopper session cookie. */
export const SHOPPER_SECURITY: Record<string, string[]>[] = [{ shopperSession: [] }];

/** Who stands behind a request. */
export type Principal =
  | { type: 'user'; id: string; name: string; role: StaffRole; sessionDigest: Buffer }
  | { type: 'api_key'; id: string; name: string; scopes: readonly ApiKeyScope[] };

const rank = (role: StaffRole) => STAFF_ROLES.indexOf(role);

export function allows(principal: Principal, access: Access): boolean {
  if (principal.type === 'user') return rank(principal.role) >= rank(access.role);
  return access.scope !== undefined && principal.scopes.includes(access.scope);
}

/** How a route's access shows in its OpenAPI operation: either credential, with what it must carry. */
export function securityOf(access: Access): Record<string, string[]>[] {
  const session = { staffSession: [access.role] };
  const staff = access.scope === undefined ? [session] : [session, { apiKey: [access.scope] }];
  if (access.owner === 'order') return [...staff, { orderLink: [] }, { shopperSession: [] }];
  if (access.owner === 'topics') return [...staff, { shopperSession: [] }, { orderLink: [] }];
  return staff;
}
