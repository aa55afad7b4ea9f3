import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { TEST_CARDS } from '@livecart/schemas/payment';
import { isErrorEnvelope, isSuccess, send, type HttpAnswer, type HttpStatus } from './http.js';
import type { ApiTarget, ProductSet } from './products.js';

/** The preference by which a write without If-Match overwrites whatever version is current. */
const LAST_WRITER_WINS = 'last-writer-wins';

/**
 * - `price`, `stock`: PATCH one product, last writer wins (`Prefer: last-writer-wins`, no If-Match).
 * - `if-match`: PATCH a price with If-Match on the version this writer last saw (412 when another won).
 * - `order`: POST /v1/orders for 1-2 products, with an Idempotency-Key kept across retries.
 * - `bulk`: POST /v1/products/bulk for 3-5 products.
 * - `checkout`: a guest shopper's whole flow (see `checkout`): a cart, 1-2 lines (stock held), the checkout
 *   (the order takes the units) and the payment with the test provider's success card.
 * - `read`: GET one product.
 */
export type Operation = 'price' | 'stock' | 'if-match' | 'order' | 'bulk' | 'checkout' | 'read';

export const DEFAULT_MIX: Readonly<Record<Operation, number>> = { price: 30, stock: 15, 'if-match': 10, order: 25, bulk: 5, checkout: 0, read: 15 };

/** The shopper session's cookie, as the API sets it on the first cart action. */
const SHOPPER_COOKIE = 'livecart_shopper';
/**
 * A shopper confirms a changed total again, up to this many times, before giving up. The writers reprice the
 * same few products many times a second, and a backing server's restart stretches each confirmation's
 * retries over seconds: three confirmations all lost that race once (faults-backends, Postgres restart).
 */
const CHECKOUT_CONFIRMATIONS = 8;

/** One HTTP request and its answer. */
export interface Attempt {
  op: Operation;
  /** Epoch ms when it was sent. */
  at: number;
  ms: number;
  status: HttpStatus;
  /** For a numeric non-2xx status: the body is the API's error envelope. */
  envelope: boolean;
  /** The envelope's code, if any. */
  code: string | undefined;
}

/** One write as the application sees it, across all its attempts. */
export interface WriteOutcome {
  op: Exclude<Operation, 'read'>;
  /** Answered 2xx: the API promised it is committed. */
  acked: boolean;
  /** Answered 412: a concurrent write came first; correctly not applied. */
  refused: boolean;
  /** Retries ran out without a definite answer: it may or may not be committed. */
  unknown: boolean;
  /** [product number, version] the acknowledgement reported (PATCH, bulk). */
  versions: [number, number][];
  orderId: string | undefined;
  /** Epoch ms of the last answer (or of giving up). */
  answeredAt: number;
  /** `checkout`: the payment of its order was accepted (202, or 409 for a retry of an attempt that got through). */
  paymentAccepted?: boolean;
  /** `checkout`: the step that was refused for good, and how (none is expected under this load). */
  refusal?: string;
}

export interface LoadOptions {
  api: ApiTarget;
  products: ProductSet;
  /** Operations started per second, retries not included. */
  ratePerSecond: number;
  mix?: Readonly<Record<Operation, number>>;
  /** Operations (with their retries) allowed at once; an operation due beyond that is skipped and counted. */
  maxInFlight?: number;
  /** Client-side patience per request: a request cut by it counts as a hang. */
  requestTimeoutMs?: number;
  /** How long a failed write keeps being retried after its first attempt. */
  retryForMs?: number;
}

const TICK_MS = 10;

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

function between(low: number, high: number): number {
  return low + Math.floor(Math.random() * (high - low + 1));
}

function codeOf(answer: HttpAnswer): string | undefined {
  const code = (answer.body as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `livecart_shopper=…` from a Set-Cookie answer, to send back as a browser would. */
function shopperCookie(headers: Headers | undefined): string | undefined {
  const cookie = headers?.getSetCookie().find((value) => value.startsWith(`${SHOPPER_COOKIE}=`));
  return cookie?.split(';')[0];
}

function retriable(status: HttpStatus): boolean {
  return typeof status !== 'number' || status >= 500;
}

/**
 * A steady stream of storefront and admin traffic against the API: writes are retried while the API
 * cannot answer them (orders with the same Idempotency-Key), and every attempt is recorded, so a test
 * can check what was answered when, and how.
 */
export class ApiLoad {
  readonly attempts: Attempt[] = [];
  readonly writes: WriteOutcome[] = [];
  /** Operations not started because maxInFlight were already running. */
  skipped = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly knownVersions: number[];
  private readonly operations: Operation[];
  private timer: NodeJS.Timeout | undefined;
  private started = 0;
  private issued = 0;

  constructor(private readonly options: LoadOptions) {
    this.knownVersions = options.products.ids.map(() => 1);
    const mix = options.mix ?? DEFAULT_MIX;
    this.operations = (Object.keys(mix) as Operation[]).flatMap((op) => Array<Operation>(mix[op]).fill(op));
  }

  start(): void {
    this.started = Date.now();
    this.issued = 0;
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** Stops starting operations and waits for those under way, retries included. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Attempts sent within [from, to] (epoch ms). */
  attemptsBetween(from: number, to: number, ops?: readonly Operation[]): Attempt[] {
    return this.attempts.filter((a) => a.at >= from && a.at <= to && (ops === undefined || ops.includes(a.op)));
  }

  private tick(): void {
    const due = Math.floor(((Date.now() - this.started) * this.options.ratePerSecond) / 1000);
    for (; this.issued < due; this.issued++) {
      if (this.inFlight.size >= (this.options.maxInFlight ?? 256)) {
        this.skipped++;
        continue;
      }
      const running: Promise<void> = this.run(pick(this.operations)).finally(() => this.inFlight.delete(running));
      this.inFlight.add(running);
    }
  }

  private async run(op: Operation): Promise<void> {
    const { products } = this.options;
    if (op === 'read') {
      await this.attempt(op, `/v1/products/${products.id(between(0, products.size - 1))}`, 'GET', undefined, {});
      return;
    }
    const outcome: WriteOutcome = { op, acked: false, refused: false, unknown: false, versions: [], orderId: undefined, answeredAt: 0 };
    const firstAt = Date.now();
    if (op === 'checkout') {
      await this.checkout(outcome, firstAt);
    } else {
      const request = this.compose(op);
      const answer = await this.settle(op, request, firstAt);
      if (answer === undefined) outcome.unknown = true;
      else if (isSuccess(answer.status)) {
        outcome.acked = true;
        this.learn(outcome, answer.body);
      } else if (answer.status === 412) outcome.refused = true;
    }
    outcome.answeredAt = Date.now();
    this.writes.push(outcome);
  }

  /**
   * Sends a request until it gets a definite answer (anything but a 5xx, a timeout or a broken
   * connection); undefined when it still had none `retryForMs` after `firstAt`.
   */
  private async settle(op: Operation, request: { path: string; method: string; body?: unknown; headers: Record<string, string> }, firstAt: number): Promise<HttpAnswer | undefined> {
    for (let retry = 0; ; retry++) {
      const answer = await this.attempt(op, request.path, request.method, request.body, request.headers);
      if (!retriable(answer.status)) return answer;
      if (Date.now() - firstAt > (this.options.retryForMs ?? 20_000)) return undefined;
      await delay(Math.min(100 * 2 ** retry, 1_000));
    }
  }

  /**
   * A guest shopper, as the storefront drives the API: opens a cart (which starts its session), adds 1-2
   * products (each line holds its units), checks out at the total it was shown, confirming a changed one
   * again as a shopper would, and pays. Every step is retried like any write; the checkout keeps its
   * Idempotency-Key across retries, so a lost answer never makes a second order.
   */
  private async checkout(outcome: WriteOutcome, firstAt: number): Promise<void> {
    const { products } = this.options;
    const headers: Record<string, string> = {};
    const step = async (path: string, method: string, body?: unknown, extra: Record<string, string> = {}): Promise<HttpAnswer | undefined> => {
      const answer = await this.settle('checkout', { path, method, body, headers: { ...headers, ...extra } }, firstAt);
      if (answer === undefined) outcome.unknown = true;
      else if (!isSuccess(answer.status) && answer.status !== 409) outcome.refusal = `${method} ${path.replace(/[0-9a-f-]{36}/g, ':id')} → ${String(answer.status)} ${codeOf(answer) ?? ''}`.trim();
      return answer;
    };
    const opened = await step('/v1/carts', 'POST');
    if (opened === undefined || !isSuccess(opened.status)) return;
    const cookie = shopperCookie(opened.headers);
    const cartId = (opened.body as { id?: unknown } | undefined)?.id;
    if (cookie === undefined || typeof cartId !== 'string') {
      outcome.refusal = 'POST /v1/carts answered without a shopper cookie or a cart id';
      return;
    }
    headers.cookie = cookie;
    let total: number | undefined;
    for (const product of this.some(between(1, 2))) {
      const added = await step(`/v1/carts/${cartId}/lines`, 'POST', { productId: products.id(product), quantity: between(1, 2) });
      if (added === undefined || !isSuccess(added.status)) return;
      total = (added.body as { totalMinor?: number }).totalMinor;
    }
    for (let confirmation = 0; confirmation < CHECKOUT_CONFIRMATIONS && typeof total === 'number'; confirmation++) {
      const placed = await step('/v1/checkout', 'POST', { expectedTotalMinor: total }, { 'idempotency-key': randomUUID() });
      if (placed === undefined) return;
      if (isSuccess(placed.status)) {
        outcome.acked = true;
        this.learn(outcome, placed.body);
        break;
      }
      const refusal = placed.body as { code?: string; cart?: { totalMinor?: number } } | undefined;
      if (placed.status !== 409 || refusal?.code !== 'PRICE_CHANGED') {
        outcome.refusal = `POST /v1/checkout → ${String(placed.status)} ${refusal?.code ?? ''}`.trim();
        return;
      }
      total = refusal.cart?.totalMinor;
    }
    if (outcome.orderId === undefined) {
      outcome.refusal ??= `the total kept changing through ${CHECKOUT_CONFIRMATIONS} confirmations`;
      return;
    }
    const retriesBefore = this.attempts.length;
    const paid = await step(`/v1/orders/${outcome.orderId}/payment`, 'POST', { cardNumber: TEST_CARDS.success });
    if (paid === undefined) return;
    // A 409 for a retry: an earlier attempt whose answer was lost got through (it waits or is confirmed).
    const retried = this.attempts.length - retriesBefore > 1;
    outcome.paymentAccepted = paid.status === 202 || (paid.status === 409 && retried);
    if (!outcome.paymentAccepted) outcome.refusal = `POST /v1/orders/:id/payment → ${String(paid.status)} ${codeOf(paid) ?? ''}`.trim();
  }

  /** `count` different products, at random. */
  private some(count: number): number[] {
    const { products } = this.options;
    const chosen = new Set<number>();
    while (chosen.size < Math.min(count, products.size)) chosen.add(between(0, products.size - 1));
    return [...chosen];
  }

  private compose(op: Exclude<Operation, 'read' | 'checkout'>): { path: string; method: string; body: unknown; headers: Record<string, string> } {
    const { products, api } = this.options;
    // Writes alternate between the two kinds of credential, so both are checked on every instance
    // through the fault (a session's first use on an instance reads Postgres; later ones its cache).
    const headers: Record<string, string> =
      api.sessionCookie !== undefined && this.issued % 2 === 1 ? { cookie: api.sessionCookie } : { authorization: `Bearer ${api.apiKey}` };
    const some = (count: number) => this.some(count);
    const one = between(0, products.size - 1);
    switch (op) {
      case 'price':
        return { path: `/v1/products/${products.id(one)}`, method: 'PATCH', body: { priceMinor: between(100, 99_999) }, headers: { ...headers, prefer: LAST_WRITER_WINS } };
      case 'stock':
        return { path: `/v1/products/${products.id(one)}`, method: 'PATCH', body: { stock: between(500_000, 1_000_000) }, headers: { ...headers, prefer: LAST_WRITER_WINS } };
      case 'if-match':
        return {
          path: `/v1/products/${products.id(one)}`,
          method: 'PATCH',
          body: { priceMinor: between(100, 99_999) },
          headers: { ...headers, 'if-match': `"${this.knownVersions[one]}"` },
        };
      case 'order':
        return {
          path: '/v1/orders',
          method: 'POST',
          body: { items: some(between(1, 2)).map((n) => ({ productId: products.id(n), quantity: between(1, 3) })) },
          headers: { 'idempotency-key': randomUUID() },
        };
      case 'bulk':
        return {
          path: '/v1/products/bulk',
          method: 'POST',
          body: {
            items: some(between(3, 5)).map((n) =>
              Math.random() < 0.5
                ? { id: products.id(n), priceMinor: between(100, 99_999) }
                : { id: products.id(n), priceMinor: between(100, 99_999), stock: between(500_000, 1_000_000) },
            ),
          },
          headers,
        };
    }
  }

  /** Remembers what an acknowledgement says: product versions (for If-Match and the durability check), order ids. */
  private learn(outcome: WriteOutcome, body: unknown): void {
    const { products } = this.options;
    const note = (item: { id?: unknown; version?: unknown }) => {
      const product = typeof item.id === 'string' ? products.indexOf(item.id) : undefined;
      if (product === undefined || typeof item.version !== 'number') return;
      outcome.versions.push([product, item.version]);
      this.knownVersions[product] = Math.max(this.knownVersions[product] ?? 1, item.version);
    };
    const payload = body as { id?: unknown; version?: unknown; items?: { id?: unknown; version?: unknown }[] } | undefined;
    if (payload === undefined) return;
    if (outcome.op === 'order' || outcome.op === 'checkout') outcome.orderId = typeof payload.id === 'string' ? payload.id : undefined;
    else if (outcome.op === 'bulk') for (const item of payload.items ?? []) note(item);
    else note(payload);
  }

  private async attempt(op: Operation, path: string, method: string, body: unknown, headers: Record<string, string>): Promise<HttpAnswer> {
    const at = Date.now();
    const answer = await send(`${this.options.api.url}${path}`, { method, body, headers, timeoutMs: this.options.requestTimeoutMs ?? 10_000 });
    const failed = typeof answer.status === 'number' && !isSuccess(answer.status);
    const code = failed ? (answer.body as { code?: unknown } | undefined)?.code : undefined;
    this.attempts.push({
      op,
      at,
      ms: answer.ms,
      status: answer.status,
      envelope: failed && isErrorEnvelope(answer),
      code: typeof code === 'string' ? code : undefined,
    });
    return answer;
  }
}
