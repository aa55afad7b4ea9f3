import type pg from 'pg';
import { NotFoundError } from '../../domain/errors.js';
import { ownerCondition, type CartOwner, type CartTimes } from './cart-owner.js';

export interface LockedCart {
  id: string;
  currency: string | null;
  lineCount: number;
}

/**
 * Locks the owner's cart for the rest of the transaction. A cart of someone else, an expired one and one
 * that does not exist are one and the same 404: nobody learns that another's cart exists.
 */
export async function lockCart(client: pg.PoolClient, id: string, owner: CartOwner): Promise<LockedCart> {
  const condition = ownerCondition(owner, 2);
  const { rows } = await client.query<LockedCart>(
    `SELECT id, currency, (SELECT count(*)::int FROM cart_lines WHERE cart_id = carts.id) AS "lineCount"
     FROM carts WHERE id = $1 AND ${condition.sql} AND expires_at > now() FOR UPDATE`,
    [id, condition.value],
  );
  const cart = rows[0];
  if (cart === undefined) throw new NotFoundError(`cart ${id} does not exist`);
  return cart;
}

/** Cart activity: the cart and every hold it still has live on for their full time again. */
export async function renewCart(client: pg.PoolClient, id: string, times: CartTimes): Promise<void> {
  await client.query(
    `WITH lines AS (
       UPDATE cart_lines SET hold_expires_at = now() + $3 * interval '1 millisecond' WHERE cart_id = $1 AND held > 0
     )
     UPDATE carts SET expires_at = now() + $2 * interval '1 millisecond', updated_at = now() WHERE id = $1`,
    [id, times.cartTtlMs, times.holdTtlMs],
  );
}
