import type { TopicAuthorizerOptions } from './topic-authorizer.js';

/** `order:<id>` for the holder of the order's valid link token (verified by the route, no database call). */
export async function linkOpensOrder({ requester, id }: TopicAuthorizerOptions): Promise<boolean> {
  return requester.linkedOrderId === id;
}
