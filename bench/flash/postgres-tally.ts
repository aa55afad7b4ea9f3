import pg from 'pg';

export interface ProductTally {
  /** Units in orders for the product. */
  sold: number;
  stock: number;
  /** Units carts still hold (products.reserved). */
  reserved: number;
  /** Cart lines still holding units of it. */
  holdingLines: number;
}

/** What Postgres says of the race's product: the only source of truth for sold and held units. */
export async function tallyProduct(databaseUrl: string, productId: string): Promise<ProductTally> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ sold: string; stock: number; reserved: number; holding: string }>(
      `SELECT (SELECT coalesce(sum(quantity), 0) FROM order_items WHERE product_id = p.id) AS sold,
              p.stock, p.reserved,
              (SELECT count(*) FROM cart_lines WHERE product_id = p.id AND held > 0) AS holding
         FROM products p WHERE p.id = $1`,
      [productId],
    );
    const row = rows[0];
    if (row === undefined) throw new Error(`product ${productId} is gone`);
    return { sold: Number(row.sold), stock: row.stock, reserved: row.reserved, holdingLines: Number(row.holding) };
  } finally {
    await client.end();
  }
}
