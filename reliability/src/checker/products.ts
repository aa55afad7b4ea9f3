import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { isSuccess, send } from './http.js';

/** What a client shows of a product, and what the checker compares with Postgres. */
export interface ProductState {
  version: number;
  priceMinor: number;
  stock: number;
}

/** Where the checker reaches the API (through the balancer) and how it writes. */
export interface ApiTarget {
  url: string;
  apiKey: string;
  /** `livecart_session=…` of a signed-in editor: when set, writes alternate between it and the key. */
  sessionCookie?: string;
}

/** The products of one run, numbered: logs and views store the small number instead of the id. */
export class ProductSet {
  private readonly index: Map<string, number>;

  constructor(readonly ids: readonly string[]) {
    this.index = new Map(ids.map((id, i) => [id, i]));
  }

  get size(): number {
    return this.ids.length;
  }

  indexOf(id: string): number | undefined {
    return this.index.get(id);
  }

  id(index: number): string {
    const id = this.ids[index];
    if (id === undefined) throw new Error(`no product #${index} among ${this.ids.length}`);
    return id;
  }
}

/** Stock high enough that orders never run out during a run. */
export const INITIAL_STOCK = 1_000_000;

const CREATE_CONCURRENCY = 10;

/** Creates `count` products for one run (unique SKUs, one category), one request each. */
export async function createProducts(api: ApiTarget, count: number, category = 'fault-runs'): Promise<ProductSet> {
  const run = randomBytes(3).toString('hex').toUpperCase();
  const ids: string[] = new Array<string>(count);
  let next = 0;
  const create = async () => {
    for (let i = next++; i < count; i = next++) {
      const answer = await send(`${api.url}/v1/products`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.apiKey}` },
        body: { sku: `F${run}-${i}`, name: `Fault run ${run} item ${i}`, category, priceMinor: 1_000 + i, stock: INITIAL_STOCK },
        timeoutMs: 10_000,
      });
      const id = (answer.body as { id?: unknown } | undefined)?.id;
      if (answer.status !== 201 || typeof id !== 'string') {
        throw new Error(`creating product ${i} failed: ${String(answer.status)} ${JSON.stringify(answer.body)}`);
      }
      ids[i] = id;
    }
  };
  await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, create));
  return new ProductSet(ids);
}

export interface Snapshot {
  state: ProductState;
  /** X-Event-Seq: the data includes every event up to this seq. */
  seq: number;
  /** X-Event-Epoch: the history `seq` belongs to (undefined while the API knows none). */
  epoch: string | undefined;
}

/**
 * GET /v1/products/:id as a storefront does for a snapshot, retried with backoff while the API cannot
 * answer (a fault may be under way) until `signal` aborts.
 */
export async function fetchSnapshot(apiUrl: string, id: string, signal?: AbortSignal): Promise<Snapshot> {
  for (let attempt = 0; ; attempt++) {
    const answer = await send(`${apiUrl}/v1/products/${id}`, { timeoutMs: 10_000 });
    const product = answer.body as Partial<ProductState> | undefined;
    const seq = Number(answer.headers?.get('x-event-seq'));
    if (isSuccess(answer.status) && product !== undefined && Number.isSafeInteger(seq)) {
      const epoch = answer.headers?.get('x-event-epoch') ?? undefined;
      return { state: { version: Number(product.version), priceMinor: Number(product.priceMinor), stock: Number(product.stock) }, seq, epoch };
    }
    if (signal?.aborted === true) throw new Error(`snapshot of ${id} abandoned: ${String(answer.status)}`);
    await delay(Math.min(100 * 2 ** attempt, 1_000));
  }
}
