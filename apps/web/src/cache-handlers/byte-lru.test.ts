import { describe, expect, it } from 'vitest';
import { ByteLru } from './byte-lru';

describe('ByteLru', () => {
  it('drops the least recently used entries once past its byte budget', () => {
    const lru = new ByteLru<string>(10, (value) => value.length);
    lru.set('a', 'xxxx');
    lru.set('b', 'xxxx');
    expect(lru.get('a')).toBe('xxxx'); // a is now the most recently used
    lru.set('c', 'xxxx');
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe('xxxx');
    expect(lru.get('c')).toBe('xxxx');
    expect(lru.bytes).toBe(8);
  });

  it('does not keep an entry larger than the whole budget, and replacing an entry counts it once', () => {
    const lru = new ByteLru<string>(10, (value) => value.length);
    lru.set('a', 'xxxx');
    lru.set('a', 'xxxxxx');
    expect(lru.bytes).toBe(6);
    lru.set('big', 'x'.repeat(11));
    expect(lru.get('big')).toBeUndefined();
    expect(lru.get('a')).toBe('xxxxxx');
  });
});
