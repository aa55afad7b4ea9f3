/** Every cached product snapshot carries this tag: expiring it drops them all (e.g. after missed events). */
export const ALL_PRODUCTS_TAG = 'products';

/** The tag of one product's cached snapshot; an event about the product expires it. */
export function productTag(id: string): string {
  return `product:${id}`;
}
