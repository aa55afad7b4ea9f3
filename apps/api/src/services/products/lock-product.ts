import type pg from 'pg';
import { NotFoundError, VersionMismatchError } from '../../domain/errors.js';

export interface LockedProduct {
  sku: string;
  category: string;
  version: number;
}

/** Locks a product row for the rest of the transaction and checks the version the writer expects. */
export async function lockProduct(client: pg.PoolClient, id: string, expectedVersion: number | undefined): Promise<LockedProduct> {
  const { rows } = await client.query<LockedProduct>('SELECT sku, category, version FROM products WHERE id = $1 FOR UPDATE', [id]);
  const current = rows[0];
  if (current === undefined) throw new NotFoundError(`product ${id} does not exist`);
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw new VersionMismatchError(`product ${id} is at version ${current.version}, not ${expectedVersion}`, [
      { field: 'version', message: `current version is ${current.version}` },
    ]);
  }
  return current;
}
