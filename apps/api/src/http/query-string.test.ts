import { describe, expect, it } from 'vitest';
import { parseQueryString } from './query-string.js';

describe('parseQueryString', () => {
  it('leaves out parameters given empty', () => {
    expect({ ...parseQueryString('q=&limit=5&category=') }).toEqual({ limit: '5' });
    expect({ ...parseQueryString('q') }).toEqual({});
  });

  it('keeps everything else as the usual parser does', () => {
    expect({ ...parseQueryString('q=blue+shirt&tag=a&tag=b&x=%20') }).toEqual({ q: 'blue shirt', tag: ['a', 'b'], x: ' ' });
  });
});
