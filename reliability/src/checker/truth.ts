import pg from 'pg';
import type { ProductSet, ProductState } from './products.js';

export interface OutboxEvent {
  product: number;
  version: number;
  /** Null until the relay has given the row its place in the event order. */
  seq: number | null;
  published: boolean;
}

/**
 * Postgres, read directly (not through the apps or their proxies): what every client must end up
 * showing, and what the writes actually left in the outbox.
 */
export class Truth {
  private readonly pool: pg.Pool;

  constructor(databaseUrl: string) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 5_000 });
    // Idle connections die when a fault restarts the server; the next query opens a new one.
    this.pool.on('error', () => {});
  }

  async products(set: ProductSet): Promise<Map<number, ProductState>> {
    const { rows } = await this.pool.query<{ id: string; version: number; price_minor: string; stock: number }>(
      'SELECT id, version, price_minor, stock FROM products WHERE id = ANY($1::uuid[])',
      [set.ids],
    );
    const states = new Map<number, ProductState>();
    for (const row of rows) {
      const product = set.indexOf(row.id);
      if (product !== undefined) states.set(product, { version: row.version, priceMinor: Number(row.price_minor), stock: row.stock });
    }
    if (states.size !== set.size) throw new Error(`${set.size - states.size} of the run's products are missing from Postgres`);
    return states;
  }

  async versions(set: ProductSet): Promise<Map<number, number>> {
    const states = await this.products(set);
    return new Map([...states].map(([product, state]) => [product, state.version]));
  }

  /** The event history's epoch, as the database holds it (the relay replaces it when the history went back). */
  async epoch(): Promise<string> {
    const { rows } = await this.pool.query<{ epoch: string }>('SELECT epoch FROM outbox_sequence');
    const epoch = rows[0]?.epoch;
    if (epoch === undefined) throw new Error('outbox_sequence has no row');
    return epoch;
  }

  /** Outbox rows not yet published, over the whole database. */
  async unpublished(): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM outbox WHERE published_at IS NULL');
    return rows[0]?.count ?? 0;
  }

  /** Every outbox row describing one of the run's products after its creation. */
  async outboxEvents(set: ProductSet): Promise<OutboxEvent[]> {
    const { rows } = await this.pool.query<{ id: string; version: number; seq: string | null; published: boolean }>(
      `SELECT data->>'id' AS id, (data->>'version')::int AS version, seq, published_at IS NOT NULL AS published
       FROM outbox WHERE type <> 'product.created' AND data->>'id' = ANY($1::text[]) ORDER BY id`,
      [set.ids],
    );
    return rows.map((row) => ({
      product: set.indexOf(row.id) ?? -1,
      version: row.version,
      seq: row.seq === null ? null : Number(row.seq),
      published: row.published,
    }));
  }

  /** Which of these order ids exist. */
  async existingOrders(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM orders WHERE id = ANY($1::uuid[])', [ids]);
    return new Set(rows.map((row) => row.id));
  }

  /** Each of `ids` with its order's status (absent: no such order). */
  async orderStatuses(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.pool.query<{ id: string; status: string }>('SELECT id, status FROM orders WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(rows.map((row) => [row.id, row.status]));
  }

  /** Products whose reserved units are not the sum of the cart lines' holds on them: stock held by nothing, or holds not counted. */
  async unaccountedReservations(): Promise<{ id: string; reserved: number; held: number }[]> {
    const { rows } = await this.pool.query<{ id: string; reserved: number; held: number }>(
      `SELECT p.id, p.reserved, COALESCE(h.held, 0)::int AS held
       FROM products p LEFT JOIN (SELECT product_id, sum(held) AS held FROM cart_lines GROUP BY product_id) h ON h.product_id = p.id
       WHERE p.reserved <> COALESCE(h.held, 0)`,
    );
    return rows;
  }

  /** Guest sessions that own more than one order, with how many. */
  async sessionsWithSeveralOrders(): Promise<{ session: string; orders: number }[]> {
    const { rows } = await this.pool.query<{ session: string; orders: number }>(
      'SELECT guest_session_id AS session, count(*)::int AS orders FROM orders WHERE guest_session_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1',
    );
    return rows;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
