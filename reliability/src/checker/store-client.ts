import { setTimeout as delay } from 'node:timers/promises';
import { SUBPROTOCOL_JSON } from '@livecart/schemas';
import WebSocket, { type RawData } from 'ws';
import { DeliveryLedger } from './delivery-ledger.js';
import { fetchSnapshot, type ProductSet, type ProductState, type Snapshot } from './products.js';

export interface StoreClientOptions {
  wsUrl: string;
  origin: string;
  /** The API, for snapshots and for refetching after a `reset`. */
  apiUrl: string;
  products: ProductSet;
  /** Numbers (in `products`) of the products this client shows. */
  tracked: readonly number[];
  /** What it subscribes to: `product:<id>` of each tracked product, or `catalog`. */
  topics: readonly string[];
  /** Reconnect backoff as the storefront's: attempt n waits in [ceil/2, ceil], ceil = min(max, base·2ⁿ). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /**
   * As the storefront's live store: a welcomed connection silent this long (pinged after 40% of it, no
   * answer 40% later) is dropped and replaced; default 10 s.
   */
  silenceMs?: number;
  /** As the live store: no `welcome` this long after opening the socket abandons it; default 5 s. */
  handshakeTimeoutMs?: number;
}

/**
 * After an epoch change every client is reset at the same moment; each waits a random part of this before
 * refetching, as the storefront's live store does, so that the whole fleet does not ask at once.
 */
const EPOCH_REFETCH_SPREAD_MS = 1_000;
/** How often, and how far apart, a refetch after an epoch change asks again while answered from the old one. */
const REFETCH_EPOCH_ATTEMPTS = 50;
const REFETCH_EPOCH_RETRY_MS = 100;

interface WireEvent {
  seq: number;
  epoch?: string;
  type: string;
  data: { id: string; version: number; priceMinor?: number; stock?: number };
}

interface WireMessage {
  type: string;
  instanceId?: string;
  seq?: number;
  epoch?: string;
  topics?: string[];
  event?: WireEvent;
  events?: WireEvent[];
  code?: string;
  message?: string;
}

/**
 * A WebSocket subscriber that behaves like the storefront's live store: snapshot over HTTP first
 * (X-Event-Seq), subscribe with `since`, apply each event only if its version is newer, reconnect
 * with backoff and resume from the last seq, and on `reset` refetch the products concerned.
 *
 * Everything it receives goes into its ledger as it arrives, so the checker can account for gaps,
 * duplicates and reordering afterwards; the view is what a shopper would be looking at.
 */
export class StoreClient {
  readonly ledger: DeliveryLedger;
  readonly view = new Map<number, ProductState>();
  /** The instanceId of each `welcome`: one per connection. */
  readonly instances: string[] = [];
  /** Server `error` messages and protocol surprises; a correct run has none. */
  readonly problems: string[] = [];
  resets = 0;
  /** The history its positions belong to: from its snapshots, then `subscribed` and `reset`. */
  epoch: string | undefined;
  /** Resets that named a new epoch (the history went back or started over). */
  epochChanges = 0;
  /** Events of another epoch than the client's: replays of a history it was told is gone. Must be 0. */
  foreignEpochEvents = 0;
  /** Connections this client gave up on: silent once welcomed, or never welcomed in time. */
  silentDrops = 0;
  handshakeTimeouts = 0;
  private lastSeq = 0;
  private socket: WebSocket | undefined;
  private closed = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private lastMessageAt = 0;
  private pingSentAt: number | undefined;
  private readonly refetchAbort = new AbortController();
  private pendingStart: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private readonly follows: ReadonlySet<number>;
  /** Shown states from a history that is gone: the next state of the new one replaces them, whatever its version. */
  private readonly stale = new Set<number>();

  constructor(private readonly options: StoreClientOptions) {
    this.follows = new Set(options.tracked);
    this.ledger = new DeliveryLedger((product) => `product ${options.products.id(product)}`);
  }

  get instance(): string | undefined {
    return this.instances.at(-1);
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Takes the snapshot, then connects; resolves once the first subscription is confirmed, rejects if closed first. */
  async start(snapshot: (id: string) => Promise<Snapshot>): Promise<void> {
    if (this.closed) throw new Error('client closed before it started');
    const snapshots = await Promise.all(this.options.tracked.map((product) => snapshot(this.options.products.id(product))));
    let since = Number.MAX_SAFE_INTEGER;
    this.epoch = snapshots.find((snapshot) => snapshot.epoch !== undefined)?.epoch;
    snapshots.forEach(({ state, seq }, i) => {
      const product = this.options.tracked[i]!;
      this.ledger.snapshot(product, state.version, seq);
      this.offer(product, state);
      // The oldest snapshot decides where to resume: nothing any of them lacks is skipped.
      since = Math.min(since, seq);
    });
    this.lastSeq = since;
    await new Promise<void>((resolve, reject) => {
      this.pendingStart = { resolve, reject };
      if (this.closed) reject(new Error('client closed before it subscribed'));
      else this.connect();
    });
  }

  close(): void {
    this.closed = true;
    this.pendingStart?.reject(new Error('client closed before it subscribed'));
    this.pendingStart = undefined;
    clearTimeout(this.retryTimer);
    this.stopWatching();
    this.refetchAbort.abort();
    this.socket?.terminate();
  }

  private connect(): void {
    if (this.closed) return;
    const socket = new WebSocket(this.options.wsUrl, [SUBPROTOCOL_JSON], { origin: this.options.origin });
    this.socket = socket;
    socket.on('message', (data: RawData) => this.receive(socket, data));
    // A refused upgrade (e.g. an instance not ready yet) is just a failed attempt.
    socket.on('unexpected-response', (request) => request.destroy());
    socket.on('error', () => {});
    socket.on('close', () => {
      if (this.socket !== socket || this.closed) return;
      this.socket = undefined;
      this.stopWatching();
      this.scheduleReconnect();
    });
    // A frozen instance accepts the connection and never answers the upgrade.
    this.handshakeTimer = setTimeout(() => {
      if (this.socket !== socket) return;
      this.handshakeTimeouts++;
      socket.terminate();
    }, this.options.handshakeTimeoutMs ?? 5_000);
  }

  /** The live store's silence watch (apps/web src/lib/live/live-store.ts), same proportions. */
  private watchSilence(socket: WebSocket): void {
    const windowMs = this.options.silenceMs ?? 10_000;
    const probeAfterMs = windowMs * 0.4;
    this.stopWatching();
    this.silenceTimer = setInterval(() => {
      if (this.socket !== socket) return;
      const now = Date.now();
      if (this.pingSentAt === undefined) {
        if (now - this.lastMessageAt < probeAfterMs) return;
        this.pingSentAt = now;
        socket.send(JSON.stringify({ type: 'ping' }));
      } else if (now - this.pingSentAt >= probeAfterMs) {
        this.silentDrops++;
        socket.terminate();
      }
    }, Math.max(50, windowMs * 0.1));
  }

  private stopWatching(): void {
    clearTimeout(this.handshakeTimer);
    clearInterval(this.silenceTimer);
    this.handshakeTimer = this.silenceTimer = this.pingSentAt = undefined;
  }

  private scheduleReconnect(): void {
    const base = this.options.backoffBaseMs ?? 250;
    const max = this.options.backoffMaxMs ?? 5_000;
    const ceiling = Math.min(max, base * 2 ** Math.min(this.attempt, 20));
    this.attempt++;
    this.retryTimer = setTimeout(() => this.connect(), ceiling / 2 + (ceiling / 2) * Math.random());
  }

  private receive(socket: WebSocket, data: RawData): void {
    if (socket !== this.socket) return;
    this.lastMessageAt = Date.now();
    this.pingSentAt = undefined;
    let message: WireMessage;
    try {
      message = JSON.parse(String(data)) as WireMessage;
    } catch {
      this.problems.push('a frame that is not JSON');
      return;
    }
    switch (message.type) {
      case 'welcome':
        this.attempt = 0;
        this.instances.push(message.instanceId ?? '?');
        this.watchSilence(this.socket!);
        this.socket?.send(
          JSON.stringify({ type: 'subscribe', topics: this.options.topics, since: this.lastSeq, ...(this.epoch === undefined ? {} : { epoch: this.epoch }) }),
        );
        break;
      case 'subscribed':
        this.epoch ??= message.epoch;
        this.lastSeq = Math.max(this.lastSeq, message.seq ?? 0);
        this.pendingStart?.resolve();
        this.pendingStart = undefined;
        break;
      case 'event':
        if (message.event !== undefined) this.apply(message.event);
        break;
      case 'batch':
        for (const event of message.events ?? []) this.apply(event);
        break;
      case 'reset':
        this.reset(message.seq ?? 0, message.topics ?? [], message.epoch);
        break;
      case 'error':
        this.problems.push(`server error ${message.code ?? '?'}: ${message.message ?? ''}`);
        break;
      default:
        break;
    }
  }

  private apply(event: WireEvent): void {
    if (event.epoch !== undefined && this.epoch !== undefined && event.epoch !== this.epoch) {
      this.foreignEpochEvents++;
      this.problems.push(`event ${event.seq} of epoch ${event.epoch} while in epoch ${this.epoch}`);
      return;
    }
    this.epoch ??= event.epoch;
    this.lastSeq = Math.max(this.lastSeq, event.seq);
    const product = this.options.products.indexOf(event.data.id);
    if (product === undefined || !this.follows.has(product)) {
      this.problems.push(`event ${event.seq} for a product this client does not follow: ${event.data.id}`);
      return;
    }
    this.ledger.event(event.seq, product, event.data.version);
    if (event.type === 'product.deleted') return;
    this.offer(product, { version: event.data.version, priceMinor: Number(event.data.priceMinor), stock: Number(event.data.stock) });
  }

  /**
   * History does not reach back to our seq: carry on live from `seq` and refetch what the topics cover.
   * A reset into a new epoch starts over at `seq` (seqs of the new history may be lower), and what is shown
   * belongs to a history that is gone: the new one's states replace it whatever their versions.
   */
  private reset(seq: number, topics: readonly string[], epoch: string | undefined): void {
    this.resets++;
    const epochChanged = epoch !== undefined && epoch !== this.epoch;
    if (epochChanged) {
      this.epoch = epoch;
      this.epochChanges++;
      this.ledger.beginEpoch(seq);
      this.lastSeq = seq;
      for (const product of this.view.keys()) this.stale.add(product);
    } else {
      this.ledger.reset(seq);
      this.lastSeq = Math.max(this.lastSeq, seq);
    }
    const concerned = new Set<number>();
    for (const topic of topics) {
      if (topic.startsWith('product:')) {
        const product = this.options.products.indexOf(topic.slice('product:'.length));
        if (product !== undefined) concerned.add(product);
      } else {
        for (const product of this.options.tracked) concerned.add(product);
      }
    }
    const refetchAll = () => {
      for (const product of concerned) void this.refetch(product);
    };
    if (epochChanged) setTimeout(refetchAll, Math.random() * EPOCH_REFETCH_SPREAD_MS);
    else refetchAll();
  }

  private async refetch(product: number): Promise<void> {
    try {
      const epoch = this.epoch;
      let snapshot = await fetchSnapshot(this.options.apiUrl, this.options.products.id(product), this.refetchAbort.signal);
      // An API instance that has not heard of the new epoch yet answers from the old history: ask again.
      for (let attempt = 1; snapshot.epoch !== undefined && epoch !== undefined && snapshot.epoch !== epoch && attempt <= REFETCH_EPOCH_ATTEMPTS; attempt++) {
        await delay(REFETCH_EPOCH_RETRY_MS);
        if (this.closed || this.epoch !== epoch) return;
        snapshot = await fetchSnapshot(this.options.apiUrl, this.options.products.id(product), this.refetchAbort.signal);
      }
      const { state } = snapshot;
      // Started in a history that has been left since: its answer belongs to that one.
      if (this.closed || this.epoch !== epoch) return;
      if (snapshot.epoch !== undefined && epoch !== undefined && snapshot.epoch !== epoch) {
        this.problems.push(`refetch of ${this.options.products.id(product)} kept answering from epoch ${snapshot.epoch}, not ${epoch}`);
        return;
      }
      this.ledger.refetch(product, state.version);
      this.offer(product, state);
    } catch (error) {
      if (!this.closed) this.problems.push(`refetch failed: ${(error as Error).message}`);
    }
  }

  /** Newer versions only, as the storefront's product table: a late or stale copy never rolls back. */
  private offer(product: number, state: ProductState): void {
    const held = this.view.get(product);
    const stale = this.stale.delete(product);
    if (held === undefined || stale || state.version > held.version) this.view.set(product, state);
  }

  /** True while something shown belongs to a history that is gone. */
  get showsStale(): boolean {
    return this.stale.size > 0;
  }
}
