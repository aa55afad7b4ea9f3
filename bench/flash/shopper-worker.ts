import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { DELIVERY_PARAM } from '@livecart/schemas';
import WebSocket from 'ws';
import { codeOf, now, send, type Answer } from './http-client.js';
import type { Command, RaceMode, ShopperResult, Step, WorkerMessage } from './protocol.js';

/**
 * A process of flash-sale shoppers. Each has its own keep-alive HTTP connection and WebSocket, from one of
 * the given loopback source addresses, through the balancer: it opens the product's page (the product
 * with its X-Event-Seq/-Epoch, then a subscription to `product:<id>` from that seq), and at the go time
 * races to buy one unit — by `POST /v1/orders`, or by cart, add and checkout.
 */

/** A text frame that carries the product at `available` 0 (checked without parsing: frames are many). */
const SOLD_OUT = /"available":0[,}]/;
const OPEN_ATTEMPTS = 3;

function reply(message: WorkerMessage): void {
  process.send!(message);
}

class Shopper {
  private agent: http.Agent;
  private socket: WebSocket | null = null;
  private cookie: string | null = null;
  private cartId: string | null = null;
  private racing = false;
  private closed = false;
  result: ShopperResult = { goAt: 0, steps: [], won: false, soldOutSeenAt: null, probeSeenAt: null, events: 0, openMs: 0, storefrontMs: null, socketProblem: null };

  constructor(
    private readonly base: URL,
    private readonly localAddress: string,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress });
  }

  /** The product page: its data and seq, then the live subscription from that seq. */
  async open(productId: string, storefront: boolean, openCart: boolean): Promise<void> {
    const started = now();
    if (this.closed) this.agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: this.localAddress });
    this.closed = false;
    if (storefront) {
      // What a browser loads first: the page the storefront renders (its data comes from the api behind it).
      const page = await send(this.agent, this.base, 'GET', `/products/${productId}`, { headers: { accept: 'text/html' } });
      if (page.status !== 200) throw new Error(`GET the storefront page answered ${page.status}`);
      this.result.storefrontMs = now() - started;
    }
    const product = await send(this.agent, this.base, 'GET', `/v1/products/${productId}`);
    if (product.status !== 200) throw new Error(`GET product answered ${product.status}`);
    const seq = Number(product.headers['x-event-seq']);
    const epoch = product.headers['x-event-epoch'];
    const subscribe: Record<string, unknown> = { type: 'subscribe', topics: [`product:${productId}`] };
    if (Number.isInteger(seq) && seq > 0) subscribe.since = seq;
    if (typeof epoch === 'string' && epoch.length > 0) subscribe.epoch = epoch;
    // As the storefront's pages do: a page shows the product's newest state, not every step of the sale.
    const url = `ws://${this.base.host}/ws?${DELIVERY_PARAM}=latest`;
    await new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(url, 'livecart.v1.json', { origin: this.base.origin, localAddress: this.localAddress, perMessageDeflate: false, handshakeTimeout: 30_000 });
      this.socket = socket;
      let subscribed = false;
      socket.on('open', () => socket.send(JSON.stringify(subscribe)));
      socket.on('message', (data: Buffer) => {
        const text = data.toString();
        if (!subscribed) {
          const message = JSON.parse(text) as { type: string; code?: string };
          if (message.type === 'subscribed') {
            subscribed = true;
            resolve();
          } else if (message.type === 'error') reject(new Error(`subscribe refused: ${message.code}`));
          return;
        }
        this.result.events++;
        if (this.result.soldOutSeenAt === null && SOLD_OUT.test(text)) this.result.soldOutSeenAt = now();
        if (probeMarker !== null && this.result.probeSeenAt === null && text.includes(probeMarker)) this.result.probeSeenAt = now();
      });
      socket.on('error', (error) => {
        if (!subscribed) reject(error);
        else this.result.socketProblem ??= `error: ${error.message}`;
      });
      socket.on('close', (code) => {
        if (!subscribed) reject(new Error(`socket closed (${code}) before subscribed`));
        else if (this.racing) this.result.socketProblem ??= `closed ${code}`;
      });
    });
    // Before the rush: the page makes the guest session and its cart (not a race step).
    if (openCart && this.cartId === null) {
      const cart = await send(this.agent, this.base, 'POST', '/v1/carts', { body: {} });
      if (cart.status !== 201 && cart.status !== 200) throw new Error(`POST /v1/carts at page open answered ${cart.status}`);
      this.keepCart(cart);
    }
    this.result.openMs = now() - started;
  }

  private keepCart(cart: Answer): void {
    const setCookie = cart.headers['set-cookie']?.[0];
    if (setCookie !== undefined) this.cookie = setCookie.split(';')[0]!;
    this.cartId = (cart.body as { id: string }).id;
  }

  private async step(name: Step['name'], method: 'POST', path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer | null> {
    const sentAt = now();
    if (this.cookie !== null) headers.cookie = this.cookie;
    try {
      const answer = await send(this.agent, this.base, method, path, { body, headers });
      this.result.steps.push({ name, status: answer.status, code: codeOf(answer), sentAt, answeredAt: now() });
      return answer;
    } catch (error) {
      this.result.steps.push({ name, status: 0, code: (error as NodeJS.ErrnoException).code ?? 'ERROR', sentAt, answeredAt: now() });
      return null;
    }
  }

  async race(mode: RaceMode, productId: string, expectedTotalMinor: number): Promise<void> {
    this.racing = true;
    this.result.goAt = now();
    if (mode === 'orders') {
      const order = await this.step('order', 'POST', '/v1/orders', { items: [{ productId, quantity: 1 }] }, { 'idempotency-key': randomUUID() });
      this.result.won = order?.status === 201;
      return;
    }
    // Unless the page opened it, the shopper's first cart action makes its guest session and cart.
    if (this.cartId === null) {
      const cart = await this.step('cart', 'POST', '/v1/carts', {});
      if (cart === null || (cart.status !== 201 && cart.status !== 200)) return;
      this.keepCart(cart);
    }
    const cartId = this.cartId!;
    const add = await this.step('add', 'POST', `/v1/carts/${cartId}/lines`, { productId, quantity: 1 });
    if (add === null || add.status >= 300) return;
    const checkout = await this.step('checkout', 'POST', '/v1/checkout', { expectedTotalMinor }, { 'idempotency-key': randomUUID() });
    this.result.won = checkout?.status === 201;
  }

  close(): void {
    this.racing = false;
    this.closed = true;
    this.socket?.terminate();
    this.agent.destroy();
  }
}

let shoppers: Shopper[] = [];
/** What the probe's frame carries, once the suite announced it. */
let probeMarker: string | null = null;

async function open(command: Extract<Command, { cmd: 'open' }>): Promise<void> {
  const base = new URL(command.url);
  shoppers = Array.from({ length: command.shoppers }, (_, i) => new Shopper(base, command.localAddresses[i % command.localAddresses.length]!));
  let next = 0;
  let opened = 0;
  let failed = 0;
  let retried = 0;
  let error: string | null = null;
  const progress = setInterval(() => reply({ type: 'progress', opened, answered: 0 }), 1_000);
  await Promise.all(
    Array.from({ length: Math.min(command.concurrency, shoppers.length) }, async () => {
      while (next < shoppers.length) {
        const index = next++;
        const shopper = shoppers[index]!;
        const storefront = command.storefrontEvery > 0 && index % command.storefrontEvery === 0;
        // As the storefront's live store does, a page whose socket fails to open tries again, a little later.
        for (let attempt = 1; ; attempt++) {
          try {
            await shopper.open(command.productId, storefront, command.openCart);
            opened++;
            break;
          } catch (problem) {
            shopper.close();
            if (attempt < OPEN_ATTEMPTS) {
              retried++;
              await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
              continue;
            }
            failed++;
            error ??= (problem as Error).message;
            break;
          }
        }
      }
    }),
  );
  clearInterval(progress);
  reply({ type: 'opened', opened, failed, retried, error });
}

async function race(command: Extract<Command, { cmd: 'race' }>): Promise<void> {
  const wait = command.goAt - now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  let answered = 0;
  const progress = setInterval(() => reply({ type: 'progress', opened: shoppers.length, answered }), 1_000);
  await Promise.all(shoppers.map((shopper) => shopper.race(command.mode, command.productId, command.expectedTotalMinor).finally(() => answered++)));
  clearInterval(progress);
  reply({ type: 'raced', answered });
}

process.on('message', (command: Command) => {
  switch (command.cmd) {
    case 'open':
      void open(command);
      break;
    case 'race':
      void race(command);
      break;
    case 'probe':
      probeMarker = command.marker;
      reply({ type: 'probing' });
      break;
    case 'report':
      reply({ type: 'report', shoppers: shoppers.map((shopper) => shopper.result) });
      break;
    case 'close':
      for (const shopper of shoppers) shopper.close();
      process.exit(0);
  }
});
reply({ type: 'hello' });
