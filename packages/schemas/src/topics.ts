import { z } from 'zod';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const SLUG = '[a-z0-9]+(?:-[a-z0-9]+)*';

export const TOPIC_PATTERN = new RegExp(`^(?:catalog|product:${UUID}|category:${SLUG})$`);
export const MAX_TOPIC_LENGTH = 80;

/** What a client subscribes to: `catalog` (everything), `product:<id>` or `category:<slug>`. */
export const TopicSchema = z
  .string()
  .max(MAX_TOPIC_LENGTH)
  .regex(TOPIC_PATTERN, { error: 'must be catalog, product:<lowercase uuid> or category:<slug>' });
export type Topic = z.infer<typeof TopicSchema>;

export const CATALOG_TOPIC = 'catalog' as const;

export function productTopic(id: string): Topic {
  return `product:${id}`;
}

export function categoryTopic(slug: string): Topic {
  return `category:${slug}`;
}
