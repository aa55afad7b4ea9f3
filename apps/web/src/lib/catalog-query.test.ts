import { describe, expect, it } from 'vitest';
import { catalogHref, hasFilters, parseCatalogQuery, toApiSearch } from './catalog-query';

describe('parseCatalogQuery', () => {
  it('reads every filter from the URL, prices in major units', () => {
    const query = parseCatalogQuery({
      q: ' lamp ',
      category: 'home-garden',
      min: '10',
      max: '99.5',
      inStock: '1',
      sort: 'price_desc',
      cursor: 'abc_-1',
    });
    expect(query).toEqual({
      q: 'lamp',
      category: 'home-garden',
      minPrice: 1000,
      maxPrice: 9950,
      inStock: true,
      sort: 'price_desc',
      cursor: 'abc_-1',
    });
  });

  it('drops values it cannot use instead of failing', () => {
    expect(parseCatalogQuery({ category: 'Not A Slug', min: 'cheap', sort: 'random', cursor: '%%%' })).toEqual({
      inStock: false,
      sort: 'newest',
    });
  });

  it('takes the first of repeated parameters and swaps an inverted price range', () => {
    expect(parseCatalogQuery({ q: ['a', 'b'], min: '50', max: '5' })).toMatchObject({ q: 'a', minPrice: 500, maxPrice: 5000 });
  });
});

describe('toApiSearch', () => {
  it('maps the catalog state to the API query', () => {
    const search = toApiSearch(parseCatalogQuery({ category: 'toys', min: '1', inStock: 'true', q: 'car' }), 24);
    expect(Object.fromEntries(search)).toEqual({
      limit: '24',
      sort: 'newest',
      category: 'toys',
      minPrice: '100',
      inStock: 'true',
      q: 'car',
    });
  });
});

describe('catalogHref', () => {
  it('round-trips through the URL and leaves defaults out', () => {
    const query = parseCatalogQuery({ category: 'toys', min: '1.5', sort: 'name_asc', inStock: '1' });
    const href = catalogHref(query);
    expect(href).toBe('/?category=toys&min=1.50&inStock=1&sort=name_asc');
    const back = parseCatalogQuery(Object.fromEntries(new URL(href, 'http://x').searchParams));
    expect(back).toEqual(query);
    expect(catalogHref(parseCatalogQuery({}))).toBe('/');
  });

  it('knows when a filter narrows the listing', () => {
    expect(hasFilters(parseCatalogQuery({ sort: 'price_asc' }))).toBe(false);
    expect(hasFilters(parseCatalogQuery({ max: '0' }))).toBe(true);
  });
});
