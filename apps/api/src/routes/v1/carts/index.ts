import {
  CartIdParamsSchema,
  CartLineAddSchema,
  CartLineParamsSchema,
  CartLineUpdateSchema,
  CartSchema,
  type Cart,
  type CartLineAdd,
  type CartLineUpdate,
  type Product,
} from '@livecart/schemas';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ShopperAccess } from '../../../auth/access.js';
import { cartOwnerOf } from '../../../auth/shopper.js';
import { NotFoundError } from '../../../domain/errors.js';
import { addCartLine } from '../../../services/carts/add-cart-line.js';
import type { CartWriteOptions } from '../../../services/carts/cart-write.js';
import { getCart } from '../../../services/carts/get-cart.js';
import { openCart } from '../../../services/carts/open-cart.js';
import { startGuestCart } from '../../../services/carts/start-guest-cart.js';
import { removeCartLine } from '../../../services/carts/remove-cart-line.js';
import { updateCartLine } from '../../../services/carts/update-cart-line.js';
import { errorResponses, EVENT_EPOCH_HEADER, EVENT_SEQ_HEADER, inputSchema, outputSchema } from '../../schemas.js';

const SHOPPER: ShopperAccess = { shopper: 'session' };
const CART = { 200: outputSchema(CartSchema), ...errorResponses() };

/**
 * Carts: the first cart action starts a guest session (its cookie set on the answer); every other route
 * serves only the owner's cart: another session's, an expired one, or no session at all is a 404.
 */
export async function cartRoutes(fastify: FastifyInstance): Promise<void> {
  const { shoppers } = fastify;

  /** Where a cart write happens; a request without a shopper session owns no cart. */
  const cartOf = (request: FastifyRequest<{ Params: { id: string } }>): CartWriteOptions => {
    if (request.shopper === null) throw new NotFoundError(`cart ${request.params.id} does not exist`);
    return { pool: fastify.db, cartId: request.params.id, owner: cartOwnerOf(request.shopper), actor: request.actor, times: shoppers.times, soldOut: fastify.soldOut };
  };
  const answer = async (reply: FastifyReply, result: { cart: Cart; products: Product[] }): Promise<Cart> => {
    await Promise.all(result.products.map((product) => fastify.productCache.recordWrite(product.id, product.version, product)));
    reply.header('cache-control', 'no-store');
    return result.cart;
  };

  fastify.post(
    '',
    {
      config: { access: SHOPPER, openapi: { headers: { 200: ['location', 'set-cookie'], 201: ['location', 'set-cookie'] } } },
      schema: {
        tags: ['carts'],
        operationId: 'openCart',
        summary: "The session's current cart, made if it has none (201); starts a guest session when the request has no shopper session",
        response: { 200: outputSchema(CartSchema), 201: outputSchema(CartSchema), ...errorResponses() },
      },
    },
    async (request, reply) => {
      let opened;
      if (request.shopper === null) {
        // No session yet: the guest session and its cart are made together.
        const started = await startGuestCart({ db: fastify.db, now: new Date(shoppers.now()), absoluteTimeoutS: shoppers.absoluteTimeoutS, actor: request.actor, times: shoppers.times });
        shoppers.adopt(request, reply, started.session);
        opened = started.opened;
      } else {
        opened = await openCart({ pool: fastify.db, owner: cartOwnerOf(request.shopper), actor: request.actor, times: shoppers.times });
      }
      reply.code(opened.created ? 201 : 200).header('location', `/v1/carts/${opened.cart.id}`);
      return answer(reply, opened);
    },
  );

  fastify.get<{ Params: { id: string } }>(
    '/:id',
    {
      config: { access: SHOPPER, openapi: { refusals: [409], headers: { 200: ['x-event-seq', 'x-event-epoch'] } } },
      schema: {
        tags: ['carts'],
        operationId: 'getCart',
        summary: 'The cart with its totals; reading it renews its holds',
        description: 'X-Event-Seq (with X-Event-Epoch) is where to follow the private topic `cart:<id>` from: nothing after it is missing from the answer.',
        params: inputSchema(CartIdParamsSchema),
        response: CART,
      },
    },
    async (request, reply) => {
      const where = cartOf(request);
      // Read before the data, so that X-Event-Seq never claims changes the answer does not include.
      const { appliedSeq, epoch } = fastify.events;
      const cart = await getCart(where);
      reply.header(EVENT_SEQ_HEADER, appliedSeq);
      if (epoch !== undefined) reply.header(EVENT_EPOCH_HEADER, epoch);
      return answer(reply, { cart, products: [] });
    },
  );

  fastify.post<{ Params: { id: string }; Body: CartLineAdd }>(
    '/:id/lines',
    {
      config: { access: SHOPPER, openapi: { refusals: [409, 422] } },
      schema: {
        tags: ['carts'],
        operationId: 'addCartLine',
        summary: 'Put units of a product in the cart (more of it if it is there), holding them; 409 beyond what is available or in another currency, 422 beyond the caps',
        params: inputSchema(CartIdParamsSchema),
        body: inputSchema(CartLineAddSchema),
        response: CART,
      },
    },
    async (request, reply) => answer(reply, await addCartLine({ ...cartOf(request), productId: request.body.productId, quantity: request.body.quantity })),
  );

  fastify.patch<{ Params: { id: string; productId: string }; Body: CartLineUpdate }>(
    '/:id/lines/:productId',
    {
      config: { access: SHOPPER, openapi: { refusals: [409, 422] } },
      schema: {
        tags: ['carts'],
        operationId: 'updateCartLine',
        summary: "Set a line's quantity, holding more units or giving some back; 409 beyond what is available",
        params: inputSchema(CartLineParamsSchema),
        body: inputSchema(CartLineUpdateSchema),
        response: CART,
      },
    },
    async (request, reply) => answer(reply, await updateCartLine({ ...cartOf(request), productId: request.params.productId, quantity: request.body.quantity })),
  );

  fastify.delete<{ Params: { id: string; productId: string } }>(
    '/:id/lines/:productId',
    {
      config: { access: SHOPPER },
      schema: {
        tags: ['carts'],
        operationId: 'removeCartLine',
        summary: 'Take a line out of the cart, giving its held units back',
        params: inputSchema(CartLineParamsSchema),
        response: CART,
      },
    },
    async (request, reply) => answer(reply, await removeCartLine({ ...cartOf(request), productId: request.params.productId })),
  );
}
