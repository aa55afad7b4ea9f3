import { describe, expect, it } from 'vitest';
import {
  CATALOG_TOPIC,
  PrivateTopicSchema,
  TopicSchema,
  cartTopic,
  categoryTopic,
  isPrivateTopic,
  orderTopic,
  parsePrivateTopic,
  productTopic,
} from './topics.js';

const id = '0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';

describe('TopicSchema', () => {
  it.each(['catalog', `product:${id}`, 'category:home-garden', 'category:toys', `order:${id}`, `cart:${id}`])('accepts %j', (topic) => {
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
    `order:${id.toUpperCase()}`,
    `cart:${id}x`,
    'cart:',
    'customer:' + id,
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

describe('private topics', () => {
  it('are order:<uuid> and cart:<uuid>, and nothing public', () => {
    expect(PrivateTopicSchema.parse(orderTopic(id))).toBe(`order:${id}`);
    expect(PrivateTopicSchema.parse(cartTopic(id))).toBe(`cart:${id}`);
    for (const topic of ['catalog', `product:${id}`, 'category:toys', 'order:1', `order${id}`]) {
      expect(PrivateTopicSchema.safeParse(topic).success).toBe(false);
    }
  });

  it('are told from public ones by their kind', () => {
    expect(isPrivateTopic(`order:${id}`)).toBe(true);
    expect(isPrivateTopic(`cart:${id}`)).toBe(true);
    expect(isPrivateTopic('order:anything')).toBe(true);
    for (const topic of ['catalog', `product:${id}`, 'category:order', 'order', 'orders:x', 'cart', '']) {
      expect(isPrivateTopic(topic)).toBe(false);
    }
  });

  it('parse into kind and id', () => {
    expect(parsePrivateTopic(`order:${id}`)).toEqual({ kind: 'order', id });
    expect(parsePrivateTopic(`cart:${id}`)).toEqual({ kind: 'cart', id });
    expect(parsePrivateTopic(`product:${id}`)).toBeUndefined();
    expect(parsePrivateTopic('order:1')).toBeUndefined();
  });
});
