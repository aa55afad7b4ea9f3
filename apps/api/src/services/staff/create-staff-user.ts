import type { Actor, StaffRole, StaffUser } from '@livecart/schemas';
import type pg from 'pg';
import { isUniqueViolation } from '../../db/pg-errors.js';
import { recordChanges } from '../../db/record-changes.js';
import { STAFF_USER_COLUMNS } from '../../db/staff-sql.js';
import { withTransaction } from '../../db/transaction.js';
import { BadRequestError, ConflictError } from '../../domain/errors.js';
import { fieldChanges } from '../../domain/field-changes.js';
import { hashPassword } from '../../staff/password-hash.js';
import { passwordWeakness } from '../../staff/password-policy.js';

export interface CreateStaffUserOptions {
  pool: pg.Pool;
  email: string;
  /** Shown to the other staff; their email when absent. */
  name?: string | undefined;
  password: string;
  role: StaffRole;
  actor: Actor;
}

const INSERT = `INSERT INTO staff_users (email, name, password_hash, role) VALUES ($1, $2, $3, $4) RETURNING ${STAFF_USER_COLUMNS}`;

/** What the audit log keeps of a staff user: never the password or its hash. */
export const STAFF_USER_AUDIT_FIELDS = ['email', 'name', 'role', 'disabled'] as const;

/** Creates a staff account; a weak password is refused with its reason, a taken email (any case) with 409. */
export async function createStaffUser(options: CreateStaffUserOptions): Promise<StaffUser> {
  const weakness = passwordWeakness(options.password, options.email);
  if (weakness !== undefined) {
    throw new BadRequestError(`the password is too weak: ${weakness}`, [{ field: 'body.password', message: weakness }]);
  }
  const passwordHash = await hashPassword(options.password);
  try {
    return await withTransaction(options.pool, async (client) => {
      const { rows } = await client.query<StaffUser>(INSERT, [options.email, options.name?.trim() ?? null, passwordHash, options.role]);
      const user = rows[0] as StaffUser;
      await recordChanges(client, options.actor, [
        { action: 'staff_user.created', subject: { type: 'staff_user', id: user.id }, change: fieldChanges(null, user, STAFF_USER_AUDIT_FIELDS) },
      ]);
      return user;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'staff_users_email_key')) {
      throw new ConflictError(`a staff user with email ${options.email} already exists`, [{ field: 'body.email', message: 'is already taken' }]);
    }
    throw error;
  }
}
