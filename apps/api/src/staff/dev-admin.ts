import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { createStaffUser } from '../services/staff/create-staff-user.js';

/** The development admin's sign-in name; it exists only in a development database (`pnpm dev`). */
export const DEV_ADMIN_EMAIL = 'admin@livecart.test';

export interface DevAdmin {
  email: string;
  /** Set only when the account was created by this call: the one time its password is shown. */
  password: string | undefined;
}

/**
 * Gives a development database its first admin when it has no staff user at all, with a random password
 * (never a published one: a dev database that leaks holds no guessable login). Called by src/dev.ts only,
 * so nothing of it exists outside development; everywhere else the first admin comes from users:create.
 */
export async function ensureDevAdmin(pool: pg.Pool): Promise<DevAdmin | undefined> {
  const { rows } = await pool.query<{ email: string }>(
    "SELECT email FROM staff_users WHERE role = 'admin' AND NOT disabled ORDER BY created_at LIMIT 1",
  );
  if (rows[0] !== undefined) return { email: rows[0].email, password: undefined };
  const { rowCount } = await pool.query('SELECT 1 FROM staff_users LIMIT 1');
  if (rowCount !== 0) return undefined;
  const password = randomBytes(15).toString('base64url');
  await createStaffUser({ pool, email: DEV_ADMIN_EMAIL, password, role: 'admin', actor: { type: 'system', id: null, name: 'pnpm dev' } });
  return { email: DEV_ADMIN_EMAIL, password };
}
