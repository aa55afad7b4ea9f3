import type { Customer } from '@livecart/schemas';
import type { Queryable } from '../../db/pool.js';
import { dummyPasswordHash, verifyPassword } from '../../staff/password-hash.js';

const SELECT = 'SELECT id, email, created_at AS "createdAt", password_hash AS "passwordHash" FROM customers WHERE lower(email) = lower($1)';

/**
 * The customer these credentials belong to, or undefined. Unknown emails run the same KDF against a dummy
 * hash, so neither the answer nor its timing says which emails have accounts.
 */
export async function authenticateCustomer(db: Queryable, email: string, password: string): Promise<Customer | undefined> {
  const { rows } = await db.query<Customer & { passwordHash: string }>(SELECT, [email]);
  const row = rows[0];
  const matches = await verifyPassword(row?.passwordHash ?? (await dummyPasswordHash()), password);
  if (row === undefined || !matches) return undefined;
  const { passwordHash: _hash, ...customer } = row;
  return customer;
}
