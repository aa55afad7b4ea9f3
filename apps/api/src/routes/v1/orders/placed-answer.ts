import type { Order, OrderPlaced, Product } from '@livecart/schemas';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The 201 of a placed order, whichever route placed it: the products it took stock from go to the cache
 * first (so a read right after the answer sees them), then the order with its link token, shown this once.
 * The token counts from the order's placement, so an idempotent replay answers the very same token.
 */
export async function answerPlacedOrder(
  fastify: FastifyInstance,
  reply: FastifyReply,
  placed: { order: Order; products: readonly Product[]; replayed: boolean },
): Promise<OrderPlaced> {
  const { order, products, replayed } = placed;
  await Promise.all(products.map((product) => fastify.productCache.recordWrite(product.id, product.version, product)));
  const link = fastify.orders.link.mint(order.id, new Date(order.createdAt));
  reply.code(201).header('location', `/v1/orders/${order.id}`).header('cache-control', 'no-store');
  if (replayed) reply.header('idempotent-replayed', 'true');
  return { ...order, accessToken: link.token, accessTokenExpiresAt: link.expiresAt.toISOString() };
}
