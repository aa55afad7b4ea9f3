import 'server-only';
import { RealtimeTokenSchema } from '@livecart/schemas/realtime-token';
import type { PrivateTopic } from '@livecart/schemas/topics';
import type { CallerHeaders } from './auth';
import { apiRequest } from './http';

/**
 * A short-lived realtime token for `topic`, minted by the API for the caller it names: the shopper's own
 * session cookie (in `caller`) and, for an order followed through its link, the link token.
 */
export async function mintRealtimeToken(caller: CallerHeaders, topic: PrivateTopic, orderLink: string | undefined) {
  const { data } = await apiRequest('/v1/realtime/tokens', {
    method: 'POST',
    body: { topics: [topic] },
    headers: { ...caller, ...(orderLink ? { authorization: `Order ${orderLink}` } : {}) },
    schema: RealtimeTokenSchema,
  });
  return data;
}
