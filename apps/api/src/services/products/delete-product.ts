import type { Actor } from '@livecart/schemas';
import type pg from 'pg';
import { recordChanges } from '../../db/record-changes.js';
import { withTransaction } from '../../db/transaction.js';
import { productChanges } from '../../domain/field-changes.js';
import { productEventTopics } from '../../domain/product-topics.js';
import { lockProduct } from './lock-product.js';

export interface DeleteProductOptions {
  pool: pg.Pool;
  id: string;
  /** The versions the deletion may apply to (If-Match); any when absent. */
  expectedVersions?: readonly number[] | undefined;
  actor: Actor;
}

/** Returns the version of the deletion itself (one past the last), which caches use as a tombstone. */
export async function deleteProduct(options: DeleteProductOptions): Promise<{ version: number }> {
  return withTransaction(options.pool, async (client) => {
    const current = await lockProduct(client, options.id, options.expectedVersions);
    await client.query('DELETE FROM products WHERE id = $1', [options.id]);
    // The deletion is a change too: its version is past the last one, so no cache keeps the old row.
    await recordChanges(client, options.actor, [
      {
        action: 'product.deleted',
        subject: { type: 'product', id: options.id },
        change: productChanges(current, null),
        event: {
          type: 'product.deleted',
          topics: productEventTopics(options.id, current.category),
          data: { id: options.id, sku: current.sku, category: current.category, version: current.version + 1 },
        },
      },
    ]);
    return { version: current.version + 1 };
  });
}
