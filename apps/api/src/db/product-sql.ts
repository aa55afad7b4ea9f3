/** The columns of a product, aliased to the names of ProductSchema so rows need no mapping. */
export function productColumns(alias = ''): string {
  const p = alias === '' ? '' : `${alias}.`;
  return [
    `${p}id`,
    `${p}sku`,
    `${p}name`,
    `${p}description`,
    `${p}category`,
    `${p}price_minor AS "priceMinor"`,
    `${p}currency`,
    `${p}stock`,
    `${p}stock - ${p}reserved AS available`,
    `${p}image_url AS "imageUrl"`,
    `${p}version`,
    `${p}created_at AS "createdAt"`,
    `${p}updated_at AS "updatedAt"`,
  ].join(', ');
}

export const PRODUCT_COLUMNS = productColumns();
