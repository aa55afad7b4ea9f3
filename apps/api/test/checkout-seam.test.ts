import type { Actor, Cart, Product } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../src/db/transaction.js';
import { NotFoundError } from '../src/domain/errors.js';
import { expireCarts } from '../src/services/carts/expire-carts.js';
import { takeCartForCheckout } from '../src/services/carts/take-cart-for-checkout.js';
import { AUTH, createProductVia, createTestContext, testPool, type TestContext } from './helpers.js';

/**
 * The seam checkout will use: inside one transaction, a cart's lines at current prices with its holds given
 * back, so that the order takes the same units from `available`; all or nothing with the order. And the
 * sweeper's removal of idle carts.
 */

const CHECKOUT: Actor = { type: 'system', id: null, name: 'checkout seam test' };

let ctx: TestContext;
let pool: pg.Pool;
let app: FastifyInstance;

beforeAll(async () => {
  ctx = await createTestContext('checkout-seam');
  pool = testPool(ctx.databaseUrl);
  app = await ctx.app({ CART_SWEEP_INTERVAL_MS: '3600000' });
});

afterAll(async () => {
  await pool?.end();
  await ctx?.close();
});

async function cartWith(lines: { product: Product; quantity: number }[]): Promise<{ cart: Cart; sessionId: string }> {
  const opened = await app.inject({ method: 'POST', url: '/v1/carts' });
  const cookie = String(opened.headers['set-cookie']).split(';')[0]!;
  const cart = opened.json<Cart>();
  for (const { product, quantity } of lines) {
    const answer = await app.inject({ method: 'POST', url: `/v1/carts/${cart.id}/lines`, headers: { cookie }, payload: { productId: product.id, quantity } });
    expect(answer.statusCode, answer.body).toBe(200);
  }
  const { rows } = await pool.query<{ sessionId: string }>('SELECT session_id AS "sessionId" FROM carts WHERE id = $1', [cart.id]);
  return { cart, sessionId: rows[0]!.sessionId };
}

const stockOf = async (id: string) => (await pool.query<{ stock: number; reserved: number }>('SELECT stock, reserved FROM products WHERE id = $1', [id])).rows[0];

describe('takeCartForCheckout', () => {
  it('returns the lines at current prices and gives back their holds, so an order in the same transaction takes exactly those units', async () => {
    const kettle = await createProductVia(app, { stock: 5, priceMinor: 2_500 });
    const mug = await createProductVia(app, { stock: 2, priceMinor: 800 });
    const { cart, sessionId } = await cartWith([
      { product: kettle, quantity: 3 },
      { product: mug, quantity: 2 },
    ]);
    // A price change after the add: checkout charges today's price.
    expect((await app.inject({ method: 'PATCH', url: `/v1/products/${kettle.id}`, headers: { ...AUTH, 'if-match': '*' }, payload: { priceMinor: 2_400 } })).statusCode).toBe(200);
    const taken = await withTransaction(pool, async (client) => {
      const result = await takeCartForCheckout({ client, cartId: cart.id, owner: { sessionId }, actor: CHECKOUT });
      // What an order does next, in the same transaction: take the units from what is available.
      const { rowCount } = await client.query(
        'UPDATE products p SET stock = p.stock - c.q FROM unnest($1::uuid[], $2::int[]) AS c(id, q) WHERE p.id = c.id AND p.stock - p.reserved >= c.q',
        [result.lines.map((line) => line.productId), result.lines.map((line) => line.quantity)],
      );
      expect(rowCount).toBe(2);
      return result;
    });
    expect(taken).toMatchObject({ cartId: cart.id, currency: 'EUR', totalMinor: 3 * 2_400 + 2 * 800 });
    expect(taken.lines.map(({ productId, quantity, unitPriceMinor }) => ({ productId, quantity, unitPriceMinor }))).toEqual([
      { productId: kettle.id, quantity: 3, unitPriceMinor: 2_400 },
      { productId: mug.id, quantity: 2, unitPriceMinor: 800 },
    ]);
    expect(await stockOf(kettle.id)).toEqual({ stock: 2, reserved: 0 });
    expect(await stockOf(mug.id)).toEqual({ stock: 0, reserved: 0 });
    expect((await pool.query('SELECT 1 FROM carts WHERE id = $1', [cart.id])).rows).toHaveLength(0);
  });

  it('leaves the cart and its holds as they were when the checkout’s transaction rolls back', async () => {
    const lamp = await createProductVia(app, { stock: 4 });
    const { cart, sessionId } = await cartWith([{ product: lamp, quantity: 3 }]);
    await expect(
      withTransaction(pool, async (client) => {
        await takeCartForCheckout({ client, cartId: cart.id, owner: { sessionId }, actor: CHECKOUT });
        expect((await client.query<{ reserved: number }>('SELECT reserved FROM products WHERE id = $1', [lamp.id])).rows[0]?.reserved).toBe(0);
        throw new Error('payment declined');
      }),
    ).rejects.toThrow('payment declined');
    expect(await stockOf(lamp.id)).toEqual({ stock: 4, reserved: 3 });
    expect((await pool.query<{ held: number }>('SELECT held FROM cart_lines WHERE cart_id = $1', [cart.id])).rows).toEqual([{ held: 3 }]);
  });

  it('is a 404 for anyone but the owner', async () => {
    const lamp = await createProductVia(app, { stock: 4 });
    const { cart } = await cartWith([{ product: lamp, quantity: 1 }]);
    const stranger = await cartWith([]);
    await expect(withTransaction(pool, (client) => takeCartForCheckout({ client, cartId: cart.id, owner: { sessionId: stranger.sessionId }, actor: CHECKOUT }))).rejects.toThrow(NotFoundError);
    expect(await stockOf(lamp.id)).toEqual({ stock: 4, reserved: 1 });
  });
});

describe('expireCarts', () => {
  it('removes idle carts once, giving back what they hold', async () => {
    const chair = await createProductVia(app, { stock: 6 });
    const { cart } = await cartWith([{ product: chair, quantity: 4 }]);
    await pool.query("UPDATE carts SET expires_at = now() - interval '1 second' WHERE id = $1", [cart.id]);
    const [one, two] = await Promise.all([expireCarts({ pool, actor: CHECKOUT, batchSize: 10 }), expireCarts({ pool, actor: CHECKOUT, batchSize: 10 })]);
    expect(one.removed + two.removed).toBe(1);
    expect(await stockOf(chair.id)).toEqual({ stock: 6, reserved: 0 });
    expect((await pool.query('SELECT 1 FROM carts WHERE id = $1', [cart.id])).rows).toHaveLength(0);
  });
});
