import type { Actor, StaffRole, StaffUser } from '@livecart/schemas';
import type pg from 'pg';
import { recordChanges } from '../../db/record-changes.js';
import { STAFF_USER_COLUMNS } from '../../db/staff-sql.js';
import { withTransaction } from '../../db/transaction.js';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import { fieldChanges } from '../../domain/field-changes.js';
import { STAFF_USER_AUDIT_FIELDS } from './create-staff-user.js';

export interface UpdateStaffUserOptions {
  pool: pg.Pool;
  id: string;
  /** Unchanged when undefined. */
  role?: StaffRole | undefined;
  /** Unchanged when undefined. */
  disabled?: boolean | undefined;
  actor: Actor;
}

// Every enabled admin, locked in id order: two admins demoting each other at once are serialised here, and
// the second one, once the first has committed, no longer counts the first among the admins.
const LOCK_ADMINS = `SELECT id FROM staff_users WHERE role = 'admin' AND NOT disabled ORDER BY id FOR UPDATE`;
const LOCK_USER = `SELECT ${STAFF_USER_COLUMNS} FROM staff_users WHERE id = $1 FOR UPDATE`;
const UPDATE = `UPDATE staff_users SET role = COALESCE($2, role), disabled = COALESCE($3, disabled), updated_at = now()
  WHERE id = $1 RETURNING ${STAFF_USER_COLUMNS}`;
const END_SESSIONS = 'DELETE FROM staff_sessions WHERE user_id = $1';

const isActiveAdmin = (user: Pick<StaffUser, 'role' | 'disabled'>) => user.role === 'admin' && !user.disabled;

/**
 * Changes a user's role and/or disabled flag in one transaction: both or neither. Sessions stay open
 * across a role change and carry the new role from their next request (the caller invalidates caches);
 * disabling ends every session of the user, and enabling again needs a new login. The last enabled admin
 * can be neither demoted nor disabled (409): a shop must never lock itself out of its own administration.
 */
export async function updateStaffUser(options: UpdateStaffUserOptions): Promise<StaffUser> {
  return withTransaction(options.pool, async (client) => {
    const { rows: admins } = await client.query<{ id: string }>(LOCK_ADMINS);
    const { rows: found } = await client.query<StaffUser>(LOCK_USER, [options.id]);
    const before = found[0];
    if (before === undefined) throw new NotFoundError(`no staff user ${options.id}`);
    const after = { role: options.role ?? before.role, disabled: options.disabled ?? before.disabled };
    if (isActiveAdmin(before) && !isActiveAdmin(after) && admins.length <= 1) {
      const field = after.disabled ? 'body.disabled' : 'body.role';
      throw new ConflictError(`${before.email} is the last enabled admin; make another user admin first`, [{ field, message: 'would leave the shop without an enabled admin' }]);
    }
    const { rows } = await client.query<StaffUser>(UPDATE, [options.id, options.role ?? null, options.disabled ?? null]);
    const user = rows[0] as StaffUser;
    if (options.disabled === true) await client.query(END_SESSIONS, [options.id]);
    const change = fieldChanges(before, user, STAFF_USER_AUDIT_FIELDS);
    if (change.length > 0) await recordChanges(client, options.actor, [{ action: 'staff_user.updated', subject: { type: 'staff_user', id: user.id }, change }]);
    return user;
  });
}
