import { OrderCreateHeadersSchema, OrderCreateSchema, OrderPlacedSchema, type OrderCreate, type OrderPlaced } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { shopperOf } from '../../../auth/order-access.js';
import { orderOwnerOf } from '../../../auth/shopper.js';
import { placeOrder } from '../../../services/orders/place-order.js';
import { errorResponses, inputSchema, outputSchema } from '../../schemas.js';
import { answerPlacedOrder } from './placed-answer.js';

export async function createOrderRoute(fastify: FastifyInstance): Promise<void> {
  fastify.post<{ Body: OrderCreate; Headers: { 'idempotency-key'?: string } }>(
    '',
    {
      onRequest: fastify.limitOrders,
      config: { openapi: { headers: { 201: ['location', 'idempotent-replayed'] }, refusals: [409, 422] } },
      schema: {
        operationId: 'createOrder',
        tags: ['orders'],
        summary: 'Place an order; public, like any shop checkout. It takes the stock and waits for its payment (pending_payment) until ORDER_PAYMENT_TTL_MS, then expires',
        description:
          'The answer carries `accessToken`, shown this once: the signed link that lets its holder read, pay and cancel the order (`Authorization: Order <token>` or `?token=`). With a shopper session cookie, the order is that session\'s (its customer\'s) as a checkout\'s is: in their history, readable with the cookie. A retry with the same Idempotency-Key (from the same session, if any) gets the first result, token included.',
        headers: inputSchema(OrderCreateHeadersSchema),
        body: inputSchema(OrderCreateSchema),
        response: { 201: outputSchema(OrderPlacedSchema), ...errorResponses() },
      },
    },
    async (request, reply): Promise<OrderPlaced> => {
      const shopper = await shopperOf(request);
      const placed = await placeOrder({
        owner: shopper === null ? undefined : orderOwnerOf(shopper),
        pool: fastify.db,
        items: request.body.items,
        idempotencyKey: request.headers['idempotency-key'],
        actor: request.actor,
        paymentTtlMs: fastify.orders.paymentTtlMs,
        soldOut: fastify.soldOut,
      });
      return answerPlacedOrder(fastify, reply, placed);
    },
  );
}
