import type { Topic } from '@livecart/schemas/topics';
import { describe, expect, it } from 'vitest';
import { TopicInterest } from './topic-interest.js';

describe('TopicInterest', () => {
  it('groups new topics by resume point and sends each once per connection', () => {
    const interest = new TopicInterest();
    interest.acquire('catalog', 10);
    interest.acquire('category:toys', 10);
    interest.acquire('category:home', 12);
    expect(interest.plan()).toEqual({
      subscribe: [
        { topics: ['catalog', 'category:toys'], since: 10 },
        { topics: ['category:home'], since: 12 },
      ],
      unsubscribe: [],
    });
    expect(interest.plan()).toEqual({ subscribe: [], unsubscribe: [] });
    interest.connectionLost();
    expect(interest.plan().subscribe).toHaveLength(2);
  });

  it('keeps the earliest resume point when a second component joins an existing topic', () => {
    const interest = new TopicInterest();
    interest.acquire('catalog', 10);
    interest.acquire('catalog', 20);
    expect(interest.cursor('catalog')).toBe(10);
    interest.advance('catalog', 15);
    interest.advance('catalog', 12);
    expect(interest.cursor('catalog')).toBe(15);
  });

  it('forgets a topic only when its last holder releases it', () => {
    const interest = new TopicInterest();
    interest.acquire('catalog', 1);
    interest.acquire('catalog', 1);
    interest.plan();
    interest.release('catalog');
    expect(interest.plan().unsubscribe).toEqual([]);
    interest.release('catalog');
    expect(interest.plan().unsubscribe).toEqual([['catalog']]);
    expect(interest.cursor('catalog')).toBeUndefined();
  });

  it('splits long topic lists into protocol-sized messages', () => {
    const interest = new TopicInterest();
    const topics = Array.from({ length: 450 }, (_, i) => `category:c${i}` as Topic);
    for (const topic of topics) interest.acquire(topic, null);
    expect(interest.plan().subscribe.map((m) => m.topics.length)).toEqual([200, 200, 50]);
  });
});
