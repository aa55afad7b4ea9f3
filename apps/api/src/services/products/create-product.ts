import type { Actor, Product, ProductCreate } from '@livecart/schemas';
import type pg from 'pg';
import { PRODUCT_COLUMNS } from '../../db/product-sql.js';
import { recordChanges } from '../../db/record-changes.js';
import { withTransaction } from '../../db/transaction.js';
import { ConflictError } from '../../domain/errors.js';
import { productChanges } from '../../domain/field-changes.js';
import { productEventTopics } from '../../domain/product-topics.js';
import { isUniqueViolation } from '../../db/pg-errors.js';

export interface CreateProductOptions {
  pool: pg.Pool;
  input: ProductCreate;
  actor: Actor;
}

const INSERT = `
  INSERT INTO products (sku, name, description, category, price_minor, currency, stock, image_url)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
  RETURNING ${PRODUCT_COLUMNS}`;

export async function createProduct(options: CreateProductOptions): Promise<Product> {
  const { input } = options;
  try {
    return await withTransaction(options.pool, async (client) => {
      const { rows } = await client.query<Product>(INSERT, [
        input.sku,
        input.name,
        input.description,
        input.category,
        input.priceMinor,
        input.currency,
        input.stock,
        input.imageUrl,
      ]);
      const product = rows[0] as Product;
      await recordChanges(client, options.actor, [
        {
          action: 'product.created',
          subject: { type: 'product', id: product.id },
          change: productChanges(null, product),
          event: { type: 'product.created', topics: productEventTopics(product.id, product.category), data: product },
        },
      ]);
      return product;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'products_sku_key')) {
      throw new ConflictError(`a product with sku ${input.sku} already exists`, [{ field: 'body.sku', message: 'is already taken' }]);
    }
    throw error;
  }
}
