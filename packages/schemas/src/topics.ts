import { z } from 'zod';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const SLUG = '[a-z0-9]+(?:-[a-z0-9]+)*';

/**
 * Topic kinds whose events belong to one owner: subscribing needs a realtime token granting the topic
 * (`@livecart/schemas/realtime-token`), and their events carry no public topic.
 */
export const PRIVATE_TOPIC_KINDS = ['order', 'cart', 'webhook_endpoint'] as const;
export type PrivateTopicKind = (typeof PRIVATE_TOPIC_KINDS)[number];

export const PRIVATE_TOPIC_PATTERN = new RegExp(`^(?:${PRIVATE_TOPIC_KINDS.join('|')}):${UUID}$`);
export const TOPIC_PATTERN = new RegExp(`^(?:catalog|product:${UUID}|category:${SLUG}|(?:${PRIVATE_TOPIC_KINDS.join('|')}):${UUID})$`);
export const MAX_TOPIC_LENGTH = 80;

/**
 * What a client subscribes to: `catalog` (every catalog change), `product:<id>` or `category:<slug>`, all
 * public; or a private `order:<id>`, `cart:<id>` or `webhook_endpoint:<id>`.
 */
export const TopicSchema = z
  .string()
  .max(MAX_TOPIC_LENGTH)
  .regex(TOPIC_PATTERN, { error: 'must be catalog, product:<lowercase uuid>, category:<slug>, order:<lowercase uuid>, cart:<lowercase uuid> or webhook_endpoint:<lowercase uuid>' });
export type Topic = z.infer<typeof TopicSchema>;

/** A topic only a realtime token opens: `order:<id>`, `cart:<id>` or `webhook_endpoint:<id>`. */
export const PrivateTopicSchema = z
  .string()
  .max(MAX_TOPIC_LENGTH)
  .regex(PRIVATE_TOPIC_PATTERN, { error: 'must be order:<lowercase uuid>, cart:<lowercase uuid> or webhook_endpoint:<lowercase uuid>' });
export type PrivateTopic = z.infer<typeof PrivateTopicSchema>;

/** One order's private topic, `order:<id>`: where its `order.<status>` events are published. */
export const OrderTopicSchema = PrivateTopicSchema.regex(/^order:/, { error: 'must be order:<lowercase uuid>' });

/** One cart's private topic, `cart:<id>`: where its `cart.updated` events are published. */
export const CartTopicSchema = PrivateTopicSchema.regex(/^cart:/, { error: 'must be cart:<lowercase uuid>' });

/** One webhook endpoint's private topic, `webhook_endpoint:<id>`: staff who manage webhooks may follow it. */
export const WebhookEndpointTopicSchema = PrivateTopicSchema.regex(/^webhook_endpoint:/, { error: 'must be webhook_endpoint:<lowercase uuid>' });

export const CATALOG_TOPIC = 'catalog' as const;

export function productTopic(id: string): Topic {
  return `product:${id}`;
}

export function categoryTopic(slug: string): Topic {
  return `category:${slug}`;
}

export function orderTopic(id: string): PrivateTopic {
  return `order:${id}`;
}

export function cartTopic(id: string): PrivateTopic {
  return `cart:${id}`;
}

export function webhookEndpointTopic(id: string): PrivateTopic {
  return `webhook_endpoint:${id}`;
}

/** Whether `topic` is of a private kind. Cheap (a prefix test): the realtime server asks it per event. */
export function isPrivateTopic(topic: string): boolean {
  for (const kind of PRIVATE_TOPIC_KINDS) {
    if (topic.length > kind.length && topic.charCodeAt(kind.length) === 0x3a && topic.startsWith(kind)) return true;
  }
  return false;
}

/** The kind and id of a private topic, or undefined for any other string. */
export function parsePrivateTopic(topic: string): { kind: PrivateTopicKind; id: string } | undefined {
  if (!PRIVATE_TOPIC_PATTERN.test(topic)) return undefined;
  const colon = topic.indexOf(':');
  return { kind: topic.slice(0, colon) as PrivateTopicKind, id: topic.slice(colon + 1) };
}
