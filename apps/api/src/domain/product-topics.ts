import { CATALOG_TOPIC, categoryTopic, productTopic, type Topic } from '@livecart/schemas';

/** Every topic a change to a product is visible under; a move between categories reaches both. */
export function productEventTopics(id: string, category: string, previousCategory?: string): Topic[] {
  const topics = [productTopic(id), categoryTopic(category)];
  if (previousCategory !== undefined && previousCategory !== category) topics.push(categoryTopic(previousCategory));
  topics.push(CATALOG_TOPIC);
  return topics;
}
