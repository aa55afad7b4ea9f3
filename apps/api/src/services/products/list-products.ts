import type { Product, ProductListQuery, ProductPage, ProductSort } from '@livecart/schemas';
import type { Queryable } from '../../db/pool.js';
import { productColumns } from '../../db/product-sql.js';
import { decodeCursor, encodeCursor, listingFingerprint, MAX_CURSOR_LENGTH, type CursorPosition } from '../../domain/cursor.js';
import { BadCursorError } from '../../domain/errors.js';

export interface ListProductsOptions {
  db: Queryable;
  query: ProductListQuery;
}

interface SortSpec {
  /** Column of the sort key; the product id breaks ties in the same direction. */
  column: string;
  /** The key as the cursor stores it. */
  keyOf: (row: ListedRow) => string | number;
  keyCast: string;
  descending: boolean;
  isKey: (key: unknown) => boolean;
}

interface ListedRow extends Product {
  /** created_at as Postgres text: keeps the microseconds that a JavaScript Date would drop. */
  createdKey: string;
}

const isText = (key: unknown) => typeof key === 'string' && key.length <= 200;
const isTimestamp = (key: unknown) => typeof key === 'string' && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,6})?[+-]\d\d(?::\d\d)?$/.test(key);
const isAmount = (key: unknown) => Number.isSafeInteger(key) && (key as number) >= 0;

const SORTS: Record<ProductSort, SortSpec> = {
  newest: { column: 'created_at', keyOf: (row) => row.createdKey, keyCast: 'timestamptz', descending: true, isKey: isTimestamp },
  price_asc: { column: 'price_minor', keyOf: (row) => row.priceMinor, keyCast: 'bigint', descending: false, isKey: isAmount },
  price_desc: { column: 'price_minor', keyOf: (row) => row.priceMinor, keyCast: 'bigint', descending: true, isKey: isAmount },
  name_asc: { column: 'name', keyOf: (row) => row.name, keyCast: 'text', descending: false, isKey: isText },
  name_desc: { column: 'name', keyOf: (row) => row.name, keyCast: 'text', descending: true, isKey: isText },
};

/** Words of the search box as a prefix query (`head phon` finds "Headphones"); null when nothing searchable remains. */
export function toPrefixQuery(q: string): string | null {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (words === null) return null;
  return words.slice(0, 8).map((word) => `${word}:*`).join(' & ');
}

/**
 * Keyset pagination on (sort key, id): a page starts strictly after the previous page's last row, so
 * rows inserted or deleted meanwhile never shift what comes next. The cursor also carries a fingerprint
 * of the sort and filters, so it cannot be replayed against another listing.
 */
export async function listProducts(options: ListProductsOptions): Promise<ProductPage> {
  const { cursor, limit, ...listing } = options.query;
  const sort = SORTS[listing.sort];
  const fingerprint = listingFingerprint(listing);
  const values: unknown[] = [];
  const where: string[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };

  if (listing.category !== undefined) where.push(`category = ${param(listing.category)}`);
  if (listing.minPrice !== undefined) where.push(`price_minor >= ${param(listing.minPrice)}`);
  if (listing.maxPrice !== undefined) where.push(`price_minor <= ${param(listing.maxPrice)}`);
  if (listing.inStock !== undefined) where.push(listing.inStock ? 'stock > reserved' : 'stock <= reserved');
  if (listing.q !== undefined) {
    const tsquery = toPrefixQuery(listing.q);
    where.push(tsquery === null ? 'false' : `search @@ to_tsquery('simple', ${param(tsquery)})`);
  }
  if (cursor !== undefined) {
    const position = decodeCursor(cursor, fingerprint, sort.isKey);
    const comparison = sort.descending ? '<' : '>';
    if ('ref' in position) {
      const id = param(position.ref);
      const exists = await options.db.query('SELECT 1 FROM products WHERE id = $1', [position.ref]);
      if (exists.rowCount === 0) throw new BadCursorError('the row this cursor points at was deleted; start again', [{ field: 'query.cursor', message: 'has expired' }]);
      where.push(`(${sort.column}, id) ${comparison} ((SELECT ${sort.column} FROM products WHERE id = ${id}::uuid), ${id}::uuid)`);
    } else {
      where.push(`(${sort.column}, id) ${comparison} (${param(position.key)}::${sort.keyCast}, ${param(position.id)}::uuid)`);
    }
  }

  const direction = sort.descending ? 'DESC' : 'ASC';
  const text = `
    SELECT ${productColumns()}, created_at::text AS "createdKey"
    FROM products
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${sort.column} ${direction}, id ${direction}
    LIMIT ${param(limit + 1)}`;
  const { rows } = await options.db.query<ListedRow>(text, values);

  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(0, limit) : rows;
  const items = page.map(({ createdKey: _createdKey, ...product }) => product);
  const last = page.at(-1);
  return { items, nextCursor: hasMore && last !== undefined ? cursorAfter(fingerprint, sort, last) : null };
}

function cursorAfter(fingerprint: string, sort: SortSpec, row: ListedRow): string {
  const position: CursorPosition = { key: sort.keyOf(row), id: row.id };
  const cursor = encodeCursor(fingerprint, position);
  // A long non-ASCII name can make the key too big for a cursor: point at the row instead.
  return cursor.length <= MAX_CURSOR_LENGTH ? cursor : encodeCursor(fingerprint, { ref: row.id });
}
