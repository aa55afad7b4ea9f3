import type pg from 'pg';
import { generateProduct } from './catalog-generator.js';

export interface SeedCatalogOptions {
  pool: pg.Pool;
  count: number;
  batchSize?: number;
  onProgress?: (done: number) => void;
}

export interface SeedResult {
  inserted: number;
  skipped: number;
}

/*
 * Seeding writes no outbox events on purpose: it loads a catalog that nobody has seen yet, and a client
 * starting from seq 0 fetches a snapshot anyway. Thousands of product.created events would only fill
 * the stream. Later changes to seeded products emit events like any other change.
 */
const INSERT_BATCH = `
  INSERT INTO products (sku, name, description, category, price_minor, currency, stock, image_url, created_at, updated_at)
  SELECT sku, name, description, category, price_minor, currency, stock, image_url,
         now() - make_interval(secs => age), now() - make_interval(secs => age)
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::int[], $8::text[], $9::int[])
    AS t(sku, name, description, category, price_minor, currency, stock, image_url, age)
  ON CONFLICT (sku) DO NOTHING`;

/** Loads `count` generated products in multi-row batches; skus already present are left as they are. */
export async function seedCatalog(options: SeedCatalogOptions): Promise<SeedResult> {
  const batchSize = options.batchSize ?? 1_000;
  let inserted = 0;
  for (let start = 0; start < options.count; start += batchSize) {
    const products = Array.from({ length: Math.min(batchSize, options.count - start) }, (_, i) => generateProduct(start + i));
    const result = await options.pool.query(INSERT_BATCH, [
      products.map((p) => p.sku),
      products.map((p) => p.name),
      products.map((p) => p.description),
      products.map((p) => p.category),
      products.map((p) => p.priceMinor),
      products.map((p) => p.currency),
      products.map((p) => p.stock),
      products.map((p) => p.imageUrl),
      products.map((p) => p.ageSeconds),
    ]);
    inserted += result.rowCount ?? 0;
    options.onProgress?.(start + products.length);
  }
  return { inserted, skipped: options.count - inserted };
}

export async function isCatalogEmpty(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ empty: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM products) AS empty');
  return rows[0]?.empty ?? true;
}
