import { describe, expect, it } from 'vitest';
import { CATALOG_TOPIC, TopicSchema, categoryTopic, productTopic } from './topics.js';

const id = '0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';

describe('TopicSchema', () => {
  it.each(['catalog', `product:${id}`, 'category:home-garden', 'category:toys'])('accepts %j', (topic) => {
    expect(TopicSchema.safeParse(topic).success).toBe(true);
  });

  it.each([
    '',
    'Catalog',
    'catalog ',
    'catalog\n',
    'catalogs',
    'product:',
    'product:42',
    `product:${id.toUpperCase()}`,
    `product:${id}x`,
    `product: ${id}`,
    'category:',
    'category:Home',
    'category:home_garden',
    'category:home--garden',
    'category:-home',
    `category:${'a'.repeat(72)}`,
    'order:1',
    'catalog,product',
    '*',
  ])('rejects %j', (topic) => {
    expect(TopicSchema.safeParse(topic).success).toBe(false);
  });

  it('builds valid topics from ids and slugs', () => {
    expect(TopicSchema.parse(productTopic(id))).toBe(`product:${id}`);
    expect(TopicSchema.parse(categoryTopic('home-garden'))).toBe('category:home-garden');
    expect(TopicSchema.parse(CATALOG_TOPIC)).toBe('catalog');
  });
});
