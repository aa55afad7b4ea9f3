import type { StaffRole, StaffUser } from '@livecart/schemas';
import type pg from 'pg';
import { isUniqueViolation } from '../../db/pg-errors.js';
import { STAFF_USER_COLUMNS } from '../../db/staff-sql.js';
import { BadRequestError, ConflictError } from '../../domain/errors.js';
import { hashPassword } from '../../staff/password-hash.js';
import { passwordWeakness } from '../../staff/password-policy.js';

export interface CreateStaffUserOptions {
  pool: pg.Pool;
  email: string;
  password: string;
  role: StaffRole;
}

const INSERT = `INSERT INTO staff_users (email, password_hash, role) VALUES ($1, $2, $3) RETURNING ${STAFF_USER_COLUMNS}`;

/** Creates a staff account; a weak password is refused with its reason, a taken email (any case) with 409. */
export async function createStaffUser(options: CreateStaffUserOptions): Promise<StaffUser> {
  const weakness = passwordWeakness(options.password, options.email);
  if (weakness !== undefined) {
    throw new BadRequestError(`the password is too weak: ${weakness}`, [{ field: 'body.password', message: weakness }]);
  }
  const passwordHash = await hashPassword(options.password);
  try {
    const { rows } = await options.pool.query<StaffUser>(INSERT, [options.email, passwordHash, options.role]);
    return rows[0] as StaffUser;
  } catch (error) {
    if (isUniqueViolation(error, 'staff_users_email_key')) {
      throw new ConflictError(`a staff user with email ${options.email} already exists`, [{ field: 'body.email', message: 'is already taken' }]);
    }
    throw error;
  }
}
