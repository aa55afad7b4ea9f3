import type { StaffRole, StaffUser } from '@livecart/schemas';
import type pg from 'pg';
import { STAFF_USER_COLUMNS } from '../../db/staff-sql.js';
import { NotFoundError } from '../../domain/errors.js';

export interface ChangeStaffRoleOptions {
  pool: pg.Pool;
  id: string;
  role: StaffRole;
}

const UPDATE = `UPDATE staff_users SET role = $2, updated_at = now() WHERE id = $1 RETURNING ${STAFF_USER_COLUMNS}`;

/** Sessions stay open and carry the new role from their next request (the caller invalidates caches). */
export async function changeStaffRole(options: ChangeStaffRoleOptions): Promise<StaffUser> {
  const { rows } = await options.pool.query<StaffUser>(UPDATE, [options.id, options.role]);
  if (rows[0] === undefined) throw new NotFoundError(`no staff user ${options.id}`);
  return rows[0];
}
