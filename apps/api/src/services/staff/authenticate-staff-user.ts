import type { StaffUser } from '@livecart/schemas';
import type pg from 'pg';
import { STAFF_USER_COLUMNS } from '../../db/staff-sql.js';
import { dummyPasswordHash, verifyPassword } from '../../staff/password-hash.js';

export interface AuthenticateStaffUserOptions {
  pool: pg.Pool;
  email: string;
  password: string;
}

const SELECT = `SELECT ${STAFF_USER_COLUMNS}, password_hash AS "passwordHash" FROM staff_users WHERE lower(email) = lower($1)`;

/**
 * The user these credentials belong to, or undefined. Unknown emails and disabled users run the same KDF
 * (against a dummy hash for unknown ones), so neither the answer nor its timing tells them apart.
 */
export async function authenticateStaffUser(options: AuthenticateStaffUserOptions): Promise<StaffUser | undefined> {
  const { rows } = await options.pool.query<StaffUser & { passwordHash: string }>(SELECT, [options.email]);
  const row = rows[0];
  const matches = await verifyPassword(row?.passwordHash ?? (await dummyPasswordHash()), options.password);
  if (row === undefined || !matches || row.disabled) return undefined;
  const { passwordHash: _hash, ...user } = row;
  return user;
}
