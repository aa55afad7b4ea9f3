import { OrderAccessQuerySchema } from '@livecart/schemas/order';
import { PrivateTopicSchema } from '@livecart/schemas/topics';
import { z } from 'zod';
import { ApiError } from '@/lib/api/http';
import { mintRealtimeToken } from '@/lib/api/realtime';
import { shopperCaller } from '@/lib/shopper/shopper-cookie';

const RequestSchema = z.strictObject({ topic: PrivateTopicSchema, orderLink: OrderAccessQuerySchema.shape.token });

const NO_STORE = { 'cache-control': 'no-store' };

/**
 * A realtime token for one private topic (`order:<id>`, `cart:<id>`), for the live store of an open cart,
 * checkout or order page. The API decides who may follow what: the shopper's own cookie is forwarded, and
 * an order's link token when the page was opened through it. The browser gets only the short-lived token.
 */
export async function POST(request: Request) {
  const input = RequestSchema.safeParse(await request.json().catch(() => undefined));
  if (!input.success) return Response.json({ error: 'expected { topic: "order:<id>" | "cart:<id>", orderLink?: string }' }, { status: 400, headers: NO_STORE });
  try {
    const token = await mintRealtimeToken(await shopperCaller(), input.data.topic, input.data.orderLink);
    return Response.json(token, { headers: NO_STORE });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const status = error.status === 403 || error.status === 401 ? 403 : error.retryable ? 503 : 502;
    return Response.json({ error: error.message }, { status, headers: NO_STORE });
  }
}
