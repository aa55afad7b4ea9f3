import pg from 'pg';

export interface ProductTally {
  /** Units in orders for the product that still hold them (not cancelled or expired: those gave them back). */
  sold: number;
  stock: number;
  /** Units carts still hold (products.reserved). */
  reserved: number;
  /** Cart lines still holding units of it. */
  holdingLines: number;
  /** When the relay published the first event showing it at available 0 (epoch ms), if it has. */
  soldOutPublishedAt: number | null;
}

/** What Postgres says of the race's product: the only source of truth for sold and held units. */
/** Runs `read` on a connection of its own to the race's database. */
async function withClient<T>(databaseUrl: string, read: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await read(client);
  } finally {
    await client.end();
  }
}

export async function tallyProduct(databaseUrl: string, productId: string): Promise<ProductTally> {
  return withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ sold: string; stock: number; reserved: number; holding: string; sold_out_published_at: Date | null }>(
      `SELECT (SELECT coalesce(sum(i.quantity), 0) FROM order_items i JOIN orders o ON o.id = i.order_id
                WHERE i.product_id = p.id AND o.status NOT IN ('cancelled', 'expired')) AS sold,
              p.stock, p.reserved,
              (SELECT count(*) FROM cart_lines WHERE product_id = p.id AND held > 0) AS holding,
              (SELECT min(published_at) FROM outbox
                WHERE data->>'id' = p.id::text AND (data->>'available')::int = 0) AS sold_out_published_at
         FROM products p WHERE p.id = $1`,
      [productId],
    );
    const row = rows[0];
    if (row === undefined) throw new Error(`product ${productId} is gone`);
    return {
      sold: Number(row.sold),
      stock: row.stock,
      reserved: row.reserved,
      holdingLines: Number(row.holding),
      soldOutPublishedAt: row.sold_out_published_at === null ? null : row.sold_out_published_at.getTime(),
    };
  });
}

/** When the relay published the event whose product carries `marker` in its description (epoch ms), if it has. */
export async function publishedAtOf(databaseUrl: string, productId: string, marker: string): Promise<number | null> {
  return withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ at: Date | null }>(
      "SELECT min(published_at) AS at FROM outbox WHERE data->>'id' = $1 AND data->>'description' = $2",
      [productId, marker],
    );
    return rows[0]?.at?.getTime() ?? null;
  });
}
