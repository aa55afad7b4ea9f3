import { OrderAccessQuerySchema, OrderIdParamsSchema, OrderPaymentCreateSchema, PaymentSchema, type OrderPaymentCreate } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { authorizeOrder } from '../../../auth/order-access.js';
import { payOrder } from '../../../services/payments/pay-order.js';
import { errorResponses, inputSchema, outputSchema } from '../../schemas.js';
import { ORDER_OWNER_WRITE } from './access.js';

export async function payOrderRoute(fastify: FastifyInstance): Promise<void> {
  fastify.post<{ Params: { id: string }; Body: OrderPaymentCreate }>(
    '/:id/payment',
    {
      config: { access: ORDER_OWNER_WRITE, openapi: { refusals: [402, 409] } },
      onRequest: fastify.limitOrders,
      schema: {
        operationId: 'payOrder',
        tags: ['orders'],
        summary: 'Pay an order that waits for its payment (test provider: a test card number)',
        description:
          'Answers 202 with the payment `pending`: the order becomes `paid` when the provider confirms it by webhook (at once for 4242 4242 4242 4242, a few seconds later for 4000 0000 0000 3220). 4000 0000 0000 0002 is declined: 402 PAYMENT_DECLINED, and the order keeps waiting. 409 INVALID_TRANSITION when the order no longer waits for a payment, 409 CONFLICT while an earlier attempt waits for its confirmation.',
        params: inputSchema(OrderIdParamsSchema),
        querystring: inputSchema(OrderAccessQuerySchema),
        body: inputSchema(OrderPaymentCreateSchema),
        response: { 202: outputSchema(PaymentSchema), ...errorResponses() },
      },
    },
    async (request, reply) => {
      await authorizeOrder({ request, orderId: request.params.id, link: fastify.orders.link });
      const provider = fastify.payments.get('test');
      if (provider === undefined) throw new Error('the test payment provider is not configured');
      const payment = await payOrder({ pool: fastify.db, provider, orderId: request.params.id, cardNumber: request.body.cardNumber, actor: request.actor });
      reply.code(202);
      return payment;
    },
  );
}
