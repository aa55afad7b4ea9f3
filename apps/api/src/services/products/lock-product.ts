import type { Product } from '@livecart/schemas';
import type pg from 'pg';
import { PRODUCT_COLUMNS } from '../../db/product-sql.js';
import { NotFoundError, VersionMismatchError } from '../../domain/errors.js';

/**
 * Locks a product row for the rest of the transaction and checks it is at one of the versions the writer
 * expects (any, when undefined); returns
 * the product as it was before the write (the audit log records what changed).
 */
export async function lockProduct(client: pg.PoolClient, id: string, expectedVersions: readonly number[] | undefined): Promise<Product> {
  const { rows } = await client.query<Product>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = $1 FOR UPDATE`, [id]);
  const current = rows[0];
  if (current === undefined) throw new NotFoundError(`product ${id} does not exist`);
  if (expectedVersions !== undefined && !expectedVersions.includes(current.version)) {
    const expected = expectedVersions.length === 0 ? 'no version a strong entity tag named' : expectedVersions.join(' or ');
    throw new VersionMismatchError(`product ${id} is at version ${current.version}, not ${expected}`, [
      { field: 'version', message: `current version is ${current.version}` },
    ]);
  }
  return current;
}
