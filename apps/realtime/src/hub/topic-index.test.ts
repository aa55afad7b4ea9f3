import { describe, expect, it } from 'vitest';
import { TopicIndex } from './topic-index.js';

describe('TopicIndex', () => {
  it('maps topics to members and counts subscriptions', () => {
    const index = new TopicIndex<string>();
    index.add('catalog', 'a');
    index.add('catalog', 'a');
    index.add('catalog', 'b');
    index.add('category:kitchen', 'a');
    expect([...(index.get('catalog') ?? [])]).toEqual(['a', 'b']);
    expect(index.subscriptionCount).toBe(3);
    expect(index.topicCount).toBe(2);
  });

  it('hands every subscriber the same copy of a topic name', () => {
    const index = new TopicIndex<string>();
    const first = index.add(['cata', 'log'].join(''), 'a');
    const second = index.add(['ca', 'talog'].join(''), 'b');
    expect(second).toBe('catalog');
    expect(Object.is(first, second)).toBe(true);
  });

  it('forgets a topic once its last member leaves', () => {
    const index = new TopicIndex<string>();
    index.add('product:1', 'a');
    expect(index.remove('product:1', 'b')).toBe(false);
    expect(index.remove('product:1', 'a')).toBe(true);
    expect(index.get('product:1')).toBeUndefined();
    expect(index.topicCount).toBe(0);
    expect(index.subscriptionCount).toBe(0);
  });
});
