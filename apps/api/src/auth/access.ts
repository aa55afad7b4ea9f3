import { STAFF_ROLES, type ApiKeyScope, type StaffRole } from '@livecart/schemas';

/**
 * What a route needs, declared once in its options (`config.access`): a signed-in staff user with at
 * least `role`, or an API key holding `scope`. Without `scope`, API keys cannot call the route at all.
 */
export interface Access {
  role: StaffRole;
  scope?: ApiKeyScope;
}

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
  return access.scope === undefined ? [session] : [session, { apiKey: [access.scope] }];
}
