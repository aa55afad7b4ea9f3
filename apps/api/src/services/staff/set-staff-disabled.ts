import type { StaffUser } from '@livecart/schemas';
import type pg from 'pg';
import { STAFF_USER_COLUMNS } from '../../db/staff-sql.js';
import { withTransaction } from '../../db/transaction.js';
import { NotFoundError } from '../../domain/errors.js';

export interface SetStaffDisabledOptions {
  pool: pg.Pool;
  id: string;
  disabled: boolean;
}

const UPDATE = `UPDATE staff_users SET disabled = $2, updated_at = now() WHERE id = $1 RETURNING ${STAFF_USER_COLUMNS}`;
const END_SESSIONS = 'DELETE FROM staff_sessions WHERE user_id = $1';

/** Disabling ends every session of the user; enabling again needs a new login. */
export async function setStaffDisabled(options: SetStaffDisabledOptions): Promise<StaffUser> {
  return withTransaction(options.pool, async (client) => {
    const { rows } = await client.query<StaffUser>(UPDATE, [options.id, options.disabled]);
    if (rows[0] === undefined) throw new NotFoundError(`no staff user ${options.id}`);
    if (options.disabled) await client.query(END_SESSIONS, [options.id]);
    return rows[0];
  });
}
