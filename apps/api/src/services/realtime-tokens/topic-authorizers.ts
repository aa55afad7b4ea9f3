import type { PrivateTopicKind } from '@livecart/schemas';
import { customerOwnsCart } from './customer-owns-cart.js';
import { customerOwnsOrder } from './customer-owns-order.js';
import { linkOpensOrder } from './link-opens-order.js';
import { staffManagesWebhooks } from './staff-manages-webhooks.js';
import { staffReadsOrder } from './staff-reads-order.js';
import type { TopicAuthorizer } from './topic-authorizer.js';

/**
 * Who may follow each kind of private topic: a token is minted for a topic when any rule of its kind says
 * yes. Every kind is listed (the type makes a new kind name its rules here); a rule that refuses everyone
 * must say why.
 */
export const TOPIC_AUTHORIZERS: Readonly<Record<PrivateTopicKind, readonly TopicAuthorizer[]>> = {
  order: [linkOpensOrder, staffReadsOrder, customerOwnsOrder],
  cart: [customerOwnsCart],
  webhook_endpoint: [staffManagesWebhooks],
};
