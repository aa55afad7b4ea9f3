import { CheckoutCreateSchema, CheckoutRefusalSchema, OrderCreateHeadersSchema, OrderPlacedSchema, type CheckoutCreate, type OrderPlaced } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import type { ShopperAccess } from '../../../auth/access.js';
import { cartOwnerOf, orderOwnerOf } from '../../../auth/shopper.js';
import { CartEmptyError } from '../../../domain/errors.js';
import { checkOutCart } from '../../../services/orders/check-out-cart.js';
import { errorResponses, inputSchema, outputSchema } from '../../schemas.js';
import { answerPlacedOrder } from '../orders/placed-answer.js';

const SHOPPER: ShopperAccess = { shopper: 'session' };

export async function checkoutRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.post<{ Body: CheckoutCreate; Headers: { 'idempotency-key'?: string } }>(
    '',
    {
      config: { access: SHOPPER, openapi: { headers: { 201: ['location', 'idempotent-replayed'] }, refusals: [409, 422] } },
      onRequest: fastify.limitOrders,
      schema: {
        tags: ['checkout'],
        operationId: 'checkout',
        summary: "Turn the session's cart into an order waiting for its payment, at the total the shopper confirmed",
        description:
          'One transaction: the cart is taken at its current prices (its holds given back, the cart removed) and the order takes the units. 201: the order (`pending_payment`) with its link token `accessToken` (shown once) and `Location`; the session that placed it owns it (see GET /v1/orders/:id). `email` becomes the order\'s `email`, where its news go (a signed-in customer\'s account email when absent). 409 PRICE_CHANGED when the cart\'s total is not `expectedTotalMinor`: nothing changes, `details` names `totalMinor` (the new total), `expectedTotalMinor` and each repriced line (`lines.<productId>`: `old → new`), and `cart` is the cart as it is now, to confirm again. 409 CART_EMPTY without a cart or lines; 409 OUT_OF_STOCK when a lapsed hold\'s units are gone. `Idempotency-Key` as for POST /v1/orders: a retry gets the first outcome (`Idempotent-Replayed: true`).',
        headers: inputSchema(OrderCreateHeadersSchema),
        body: inputSchema(CheckoutCreateSchema),
        response: {
          201: outputSchema(OrderPlacedSchema),
          409: outputSchema(CheckoutRefusalSchema, 'PRICE_CHANGED (with `cart`), CART_EMPTY, OUT_OF_STOCK, CONFLICT'),
          ...errorResponses(),
        },
      },
    },
    async (request, reply): Promise<OrderPlaced> => {
      const { shopper } = request;
      if (shopper === null) throw new CartEmptyError('there is nothing to check out: the request has no shopper session', [{ field: 'cart.lines', message: 'must not be empty' }]);
      const placed = await checkOutCart({
        pool: fastify.db,
        cartOwner: cartOwnerOf(shopper),
        orderOwner: orderOwnerOf(shopper),
        expectedTotalMinor: request.body.expectedTotalMinor,
        contactEmail: request.body.email ?? shopper.customer?.email ?? null,
        idempotencyKey: request.headers['idempotency-key'],
        actor: request.actor,
        paymentTtlMs: fastify.orders.paymentTtlMs,
      });
      return answerPlacedOrder(fastify, reply, placed);
    },
  );
}
