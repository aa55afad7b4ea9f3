import type { StaffUser } from '@livecart/schemas';
import type pg from 'pg';
import { STAFF_USER_COLUMNS } from '../../db/staff-sql.js';

export interface ListStaffUsersOptions {
  pool: pg.Pool;
}

/** Every staff user, oldest first (a shop has tens, not thousands). */
export async function listStaffUsers(options: ListStaffUsersOptions): Promise<StaffUser[]> {
  const { rows } = await options.pool.query<StaffUser>(`SELECT ${STAFF_USER_COLUMNS} FROM staff_users ORDER BY created_at, id`);
  return rows;
}
