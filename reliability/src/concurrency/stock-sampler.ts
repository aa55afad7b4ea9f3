import pg from 'pg';

export interface StockSampler {
  /** Stops sampling; resolves with every stock value read, in order. */
  stop(): Promise<number[]>;
}

/**
 * Reads a product's stock from Postgres over and over on its own connection until stopped: a value
 * below zero at any moment of a run would show up here, not only at the end.
 */
export async function sampleStock(databaseUrl: string, productId: string): Promise<StockSampler> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const samples: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await client.query<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [productId]);
      const row = rows[0];
      if (row === undefined) throw new Error(`product ${productId} vanished while its stock was sampled`);
      samples.push(row.stock);
    }
  })();
  return {
    async stop() {
      running = false;
      try {
        await loop;
      } finally {
        await client.end();
      }
      return samples;
    },
  };
}
