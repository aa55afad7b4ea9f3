import { STAFF_ROLES, type StaffRole } from '@livecart/schemas';

/** Roles are ordered (schemas' STAFF_ROLES): each can do what the ones before it can. */
export function hasRole(role: StaffRole, needed: StaffRole): boolean {
  return STAFF_ROLES.indexOf(role) >= STAFF_ROLES.indexOf(needed);
}
