import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevAdmin, DEV_ADMIN_EMAIL } from '../src/staff/dev-admin.js';
import { verifyPassword } from '../src/staff/password-hash.js';
import { createTestContext, testPool, type TestContext } from './helpers.js';

describe('the development admin (pnpm dev)', () => {
  let context: TestContext;
  let pool: ReturnType<typeof testPool>;

  beforeAll(async () => {
    context = await createTestContext('dev-admin');
    pool = testPool(context.databaseUrl);
  });

  afterAll(async () => {
    await pool?.end();
    await context?.close();
  });

  it('is created once on an empty database with a random password, shown only that time', async () => {
    const first = await ensureDevAdmin(pool);
    expect(first?.email).toBe(DEV_ADMIN_EMAIL);
    expect(first?.password).toMatch(/^[A-Za-z0-9_-]{20}$/);
    const { rows } = await pool.query<{ password_hash: string; role: string }>('SELECT password_hash, role FROM staff_users WHERE email = $1', [DEV_ADMIN_EMAIL]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.role).toBe('admin');
    expect(await verifyPassword(rows[0]!.password_hash, first!.password!)).toBe(true);

    expect(await ensureDevAdmin(pool)).toEqual({ email: DEV_ADMIN_EMAIL, password: undefined });
    expect((await pool.query('SELECT 1 FROM staff_users')).rowCount).toBe(1);
  });

  it('is not created where staff users exist but no enabled admin does (someone chose that)', async () => {
    await pool.query("UPDATE staff_users SET role = 'viewer'");
    expect(await ensureDevAdmin(pool)).toBeUndefined();
    expect((await pool.query('SELECT 1 FROM staff_users')).rowCount).toBe(1);
  });
});
