import type { TopicAuthorizerOptions } from './topic-authorizer.js';

/** `cart:<id>` for the shopper whose cart it is. Carts do not exist yet: until they do, this refuses everyone. */
export async function customerOwnsCart(_options: TopicAuthorizerOptions): Promise<boolean> {
  return false;
}
