import { describe, expect, it } from 'vitest';
import { parseEntityTagList, strongMatch, weakMatch } from './entity-tags.js';

describe('entity-tag lists', () => {
  it('parses *, one tag, weak tags and lists with optional whitespace and empty elements', () => {
    expect(parseEntityTagList('*')).toBe('*');
    expect(parseEntityTagList(' * ')).toBe('*');
    expect(parseEntityTagList('"3"')).toEqual([{ weak: false, opaque: '"3"' }]);
    expect(parseEntityTagList('W/"3"')).toEqual([{ weak: true, opaque: '"3"' }]);
    expect(parseEntityTagList('"1","2"')).toEqual([
      { weak: false, opaque: '"1"' },
      { weak: false, opaque: '"2"' },
    ]);
    expect(parseEntityTagList(' "1" ,\tW/"2", , "3" ')).toEqual([
      { weak: false, opaque: '"1"' },
      { weak: true, opaque: '"2"' },
      { weak: false, opaque: '"3"' },
    ]);
    expect(parseEntityTagList('""')).toEqual([{ weak: false, opaque: '""' }]);
  });

  it('keeps a comma inside an opaque-tag', () => {
    expect(parseEntityTagList('"a,b", "c"')).toEqual([
      { weak: false, opaque: '"a,b"' },
      { weak: false, opaque: '"c"' },
    ]);
  });

  it('refuses what is not an entity-tag list', () => {
    for (const bad of ['', ' ', ',', '3', '"3', '3"', 'w/"3"', 'W/ "3"', '"3" "4"', '"3";', '* , "3"', '"3", *', 'W/"x", *', '"a b"', '"\u0001"', '**'])
      expect(parseEntityTagList(bad), bad).toBeUndefined();
  });

  it('compares strongly: weak tags never match', () => {
    const list = parseEntityTagList('W/"3", "4"')!;
    expect(strongMatch(list, '"3"')).toBe(false);
    expect(strongMatch(list, '"4"')).toBe(true);
    expect(strongMatch('*', '"9"')).toBe(true);
  });

  it('compares weakly: the weak flag is ignored', () => {
    const list = parseEntityTagList('W/"3", "4"')!;
    expect(weakMatch(list, '"3"')).toBe(true);
    expect(weakMatch(list, '"4"')).toBe(true);
    expect(weakMatch(list, '"5"')).toBe(false);
    expect(weakMatch('*', '"5"')).toBe(true);
  });
});
