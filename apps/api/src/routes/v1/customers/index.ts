import {
  CustomerOrderListQuerySchema,
  OrderPageSchema,
  type CustomerOrderListQuery,
  CustomerLoginSchema,
  CustomerSignUpSchema,
  ShopperSessionSchema,
  type Customer,
  type CustomerLogin,
  type CustomerSignUp,
  type ShopperSession,
} from '@livecart/schemas';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ShopperAccess } from '../../../auth/access.js';
import { RateLimitedError, UnauthorizedError } from '../../../domain/errors.js';
import { authenticateCustomer } from '../../../services/customers/authenticate-customer.js';
import { createCustomer } from '../../../services/customers/create-customer.js';
import { listCustomerOrders } from '../../../services/orders/list-customer-orders.js';
import { signInCustomer } from '../../../services/customers/sign-in-customer.js';
import { endShopperSession } from '../../../services/shoppers/end-shopper-session.js';
import { errorResponses, inputSchema, outputSchema } from '../../schemas.js';

const SHOPPER: ShopperAccess = { shopper: 'session' };
const CUSTOMER: ShopperAccess = { shopper: 'customer' };
const SESSION = { 200: outputSchema(ShopperSessionSchema), ...errorResponses() };

/**
 * Signs the customer in: a new session (the browser's previous one ended, a guest cart merged into the
 * customer's), its cookie set on the reply.
 */
async function startSession(fastify: FastifyInstance, request: FastifyRequest, reply: FastifyReply, customer: Customer): Promise<ShopperSession> {
  const { shoppers } = fastify;
  const previous = request.shopper === null ? undefined : { id: request.shopper.id, digest: request.shopper.digest, customerId: request.shopper.customer?.id ?? null };
  const now = new Date(shoppers.now());
  const { session, products } = await signInCustomer({ pool: fastify.db, customer, previous, now, absoluteTimeoutS: shoppers.absoluteTimeoutS, times: shoppers.times });
  await Promise.all(products.map((product) => fastify.productCache.recordWrite(product.id, product.version, product)));
  // The browser's previous session ended with the sign-in: no instance may still take it from memory.
  if (previous !== undefined) await fastify.identity.revoke({ kind: 'session', digest: previous.digest.toString('hex') });
  shoppers.setCookie(request, reply, session.secret, session.expiresAt);
  reply.header('cache-control', 'no-store');
  const idleExpiresAt = new Date(Math.min(now.getTime() + shoppers.idleTimeoutS * 1_000, session.expiresAt.getTime()));
  return { customer, idleExpiresAt: idleExpiresAt.toISOString(), expiresAt: session.expiresAt.toISOString() };
}

/** Customer accounts: sign-up, with the staff's password rules and KDF. */
export async function customerRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.post<{ Body: CustomerSignUp }>(
    '',
    {
      config: { access: SHOPPER, openapi: { headers: { 201: ['set-cookie'] }, refusals: [409] } },
      schema: {
        tags: ['customers'],
        operationId: 'signUp',
        summary: "Make a customer account and sign in (a guest cart becomes the customer's); 400 for a weak password, 409 for a taken email",
        body: inputSchema(CustomerSignUpSchema),
        response: { 201: outputSchema(ShopperSessionSchema), ...errorResponses() },
      },
    },
    async (request, reply) => {
      const customer = await createCustomer({ pool: fastify.db, email: request.body.email, password: request.body.password });
      reply.code(201);
      return startSession(fastify, request, reply, customer);
    },
  );

  fastify.get<{ Querystring: CustomerOrderListQuery }>(
    '/me/orders',
    {
      config: { access: CUSTOMER },
      schema: {
        tags: ['customers'],
        operationId: 'listMyOrders',
        summary: "The signed-in customer's orders (checked out from any of their sessions), newest first; `cursor` is a previous page's `nextCursor`; 401 without a customer session",
        querystring: inputSchema(CustomerOrderListQuerySchema),
        response: { 200: outputSchema(OrderPageSchema), ...errorResponses() },
      },
    },
    async (request, reply) => {
      const customer = request.shopper?.customer;
      if (customer == null) throw new UnauthorizedError('this request needs a signed-in customer');
      reply.header('cache-control', 'private, no-store');
      return listCustomerOrders({ db: fastify.db, customerId: customer.id, limit: request.query.limit, ...(request.query.cursor === undefined ? {} : { cursor: request.query.cursor }) });
    },
  );
}

/** Customers' sign-in, sign-out and session; throttled like staff sign-in, in a namespace of its own. */
export async function customerAuthRoutes(fastify: FastifyInstance): Promise<void> {
  const { shoppers } = fastify;

  fastify.post<{ Body: CustomerLogin }>(
    '/login',
    {
      config: { access: SHOPPER, openapi: { headers: { 200: ['set-cookie'] }, refusals: [401] } },
      schema: {
        tags: ['customers'],
        operationId: 'customerLogin',
        summary: 'Sign in as a customer: a new session, a guest cart merged into the customer’s; 401 never says whether the email exists; 429 while throttled',
        body: inputSchema(CustomerLoginSchema),
        response: SESSION,
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      try {
        await shoppers.throttle.begin(email, request.ip);
      } catch (error) {
        if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
        throw error;
      }
      const customer = await authenticateCustomer(fastify.db, email, password).catch(async (error: unknown) => {
        await shoppers.throttle.release(email, request.ip).catch(() => {});
        throw error;
      });
      if (customer === undefined) throw new UnauthorizedError('the email or the password is wrong');
      await shoppers.throttle.succeeded(email, request.ip);
      return startSession(fastify, request, reply, customer);
    },
  );

  fastify.post(
    '/logout',
    {
      config: { access: SHOPPER, openapi: { headers: { 204: ['set-cookie'] } } },
      schema: {
        tags: ['customers'],
        operationId: 'customerLogout',
        summary: 'End this shopper session (a no-op without one); its cart stays the customer’s',
        response: { 204: { type: 'null', description: 'Done; the cookie is cleared' }, ...errorResponses() },
      },
    },
    async (request, reply) => {
      if (request.shopper !== null) {
        await endShopperSession(fastify.db, request.shopper.digest);
        await fastify.identity.revoke({ kind: 'session', digest: request.shopper.digest.toString('hex') });
      }
      shoppers.clearCookie(request, reply);
      return reply.code(204).send();
    },
  );

  fastify.get(
    '/session',
    {
      config: { access: CUSTOMER },
      schema: { tags: ['customers'], operationId: 'getCustomerSession', summary: 'Which customer is signed in, and until when; 401 without one', response: SESSION },
    },
    async (request, reply): Promise<ShopperSession> => {
      const shopper = request.shopper;
      if (shopper?.customer == null) throw new UnauthorizedError('no customer session');
      reply.header('cache-control', 'no-store');
      return { customer: shopper.customer, idleExpiresAt: shopper.idleExpiresAt.toISOString(), expiresAt: shopper.expiresAt.toISOString() };
    },
  );
}
