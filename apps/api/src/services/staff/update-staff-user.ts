import type { StaffRole, StaffUser } from '@livecart/schemas';
import type pg from 'pg';
import { STAFF_USER_COLUMNS } from '../../db/staff-sql.js';
import { withTransaction } from '../../db/transaction.js';
import { NotFoundError } from '../../domain/errors.js';

export interface UpdateStaffUserOptions {
  pool: pg.Pool;
  id: string;
  /** Unchanged when undefined. */
  role?: StaffRole | undefined;
  /** Unchanged when undefined. */
  disabled?: boolean | undefined;
}

const UPDATE = `UPDATE staff_users SET role = COALESCE($2, role), disabled = COALESCE($3, disabled), updated_at = now()
  WHERE id = $1 RETURNING ${STAFF_USER_COLUMNS}`;
const END_SESSIONS = 'DELETE FROM staff_sessions WHERE user_id = $1';

/**
 * Changes a user's role and/or disabled flag in one transaction: both or neither. Sessions stay open
 * across a role change and carry the new role from their next request (the caller invalidates caches);
 * disabling ends every session of the user, and enabling again needs a new login.
 */
export async function updateStaffUser(options: UpdateStaffUserOptions): Promise<StaffUser> {
  return withTransaction(options.pool, async (client) => {
    const { rows } = await client.query<StaffUser>(UPDATE, [options.id, options.role ?? null, options.disabled ?? null]);
    if (rows[0] === undefined) throw new NotFoundError(`no staff user ${options.id}`);
    if (options.disabled === true) await client.query(END_SESSIONS, [options.id]);
    return rows[0];
  });
}
