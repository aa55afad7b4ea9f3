import type { LivecartEvent } from '@livecart/schemas/events';
import type { Product } from '@livecart/schemas/product';
import {
  CLOSE_CODES,
  type ClientMessage,
  type ResetMessage,
  ServerMessageSchema,
  SUBPROTOCOL_JSON,
} from '@livecart/schemas/realtime';
import { isPrivateTopic, type Topic } from '@livecart/schemas/topics';
import { backoffDelay } from './backoff';
import { type LiveEntry, ProductTable } from './product-table';
import { RecentSet } from './recent-set';
import { TopicInterest } from './topic-interest';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** The part of the browser's WebSocket the store uses; tests pass a fake. */
export type SocketLike = Pick<WebSocket, 'send' | 'close' | 'onmessage' | 'onclose' | 'onerror'>;

export interface RefetchResult {
  items: Product[];
  /** Ids the API no longer has. */
  missing: string[];
}

export interface LiveStoreOptions {
  connect: (url: string, protocol: string) => SocketLike;
  /** Fresh products by id, used when the server says its history no longer covers our resume point. */
  refetch?: (ids: string[]) => Promise<RefetchResult>;
  /** Told of every `reset`, after the store has handled it (a cache that must drop what it holds). */
  onReset?: (message: ResetMessage) => void;
  random?: () => number;
  warn?: (message: string, detail?: unknown) => void;
  /**
   * Longest time a welcomed connection may stay silent (no event, batch, pong or other message) before it
   * is taken for dead and replaced; default 10 s. See `startSilenceWatch` for how the time is spent.
   */
  silenceMs?: number;
  /** Longest wait from opening a socket to the server's `welcome`; default 5 s. */
  handshakeTimeoutMs?: number;
  /**
   * A realtime token for private topics (`order:<id>`, `cart:<id>`), from the API's `POST /v1/realtime/tokens`.
   * Asked anew for every subscribe of private topics: after each reconnect, and when the server ends a
   * subscription whose token expired. Without it, private topics are never subscribed.
   */
  tokenFor?: (topics: Topic[]) => Promise<string>;
}

export const DEFAULT_SILENCE_MS = 10_000;
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5_000;

const REFETCH_CHUNK = 100;
const REFETCH_ATTEMPTS = 3;
/** Told to slow down (4429): wait at least this long before coming back. */
const RATE_LIMITED_DELAY_MS = 15_000;

/**
 * One per tab: a single WebSocket shared by every component, the newest state of each product on
 * screen, and the connection state. Framework-free; React reads it through useSyncExternalStore.
 */
export class LiveStore {
  private url: string | null = null;
  private socket: SocketLike | null = null;
  private state: ConnectionState = 'idle';
  private online = true;
  private attempt = 0;
  private everConnected = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private handshakeTimer: ReturnType<typeof setTimeout> | null = null;
  private silenceTimer: ReturnType<typeof setInterval> | null = null;
  private lastMessageAt = 0;
  /** When the unanswered `ping` went out; null while the server has spoken since. */
  private pingSentAt: number | null = null;
  private flushQueued = false;
  private readonly interest = new TopicInterest();
  private readonly products = new ProductTable();
  private readonly seen = new RecentSet<number>(4_096);
  /** The event history our seqs belong to (as the server last named it); seqs of another compare with nothing. */
  private epoch: string | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly eventListeners = new Set<(event: LivecartEvent) => void>();

  constructor(private readonly options: LiveStoreOptions) {}

  // ---- read side (stable references for useSyncExternalStore) ----

  getState = (): ConnectionState => this.state;

  getProduct = (id: string): LiveEntry | undefined => this.products.get(id);

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Every event once, in arrival order (the admin feed). */
  onEvent(listener: (event: LivecartEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  // ---- write side ----

  /** Where to connect. The server passes it down with each page, so it is set on first render. */
  configure(url: string): void {
    if (url === this.url) return;
    this.url = url;
    if (this.socket) this.dropSocket();
    this.ensureConnected();
  }

  /** Server-rendered products; older than what the store holds is ignored. */
  seed(products: readonly Product[]): void {
    let changed = false;
    for (const product of products) changed = this.products.offer(product) || changed;
    if (changed) this.notify();
  }

  /**
   * Declares interest in `topics`, resuming after `since` (the `X-Event-Seq` the caller's data was
   * rendered at, so nothing between render and subscribe is missed). Returns the matching release.
   */
  acquire(topics: readonly Topic[], since: number | null, epoch: string | null = null): () => void {
    if (since !== null && epoch !== null) {
      // The first history heard of: subscribing names it, and the server resets us if it is gone.
      if (this.epoch === undefined) this.epoch = epoch;
      else if (epoch !== this.epoch) {
        // The caller's data is of another history than ours: its seq means nothing here. Live from
        // now, and what it shows is read again.
        since = null;
        this.refetchTopics(topics);
      }
    }
    for (const topic of topics) this.interest.acquire(topic, since);
    this.scheduleFlush();
    this.ensureConnected();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const topic of topics) this.interest.release(topic);
      this.scheduleFlush();
    };
  }

  /** Driven by the browser's online/offline events: no point retrying without a network. */
  setOnline(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    if (!online) {
      this.clearRetry();
      if (this.socket) this.dropSocket();
      this.setState('offline');
      return;
    }
    this.attempt = 0;
    this.setState(this.everConnected ? 'reconnecting' : 'idle');
    this.ensureConnected();
  }

  /** Stops for good (tests, teardown). */
  close(): void {
    this.url = null;
    this.clearRetry();
    if (this.socket) this.dropSocket();
    this.setState('idle');
  }

  // ---- connection lifecycle ----

  private ensureConnected(): void {
    if (!this.url || this.socket || this.retryTimer || !this.online || this.interest.size === 0) return;
    this.open(this.url);
  }

  private open(url: string): void {
    this.setState(this.everConnected || this.attempt > 0 ? 'reconnecting' : 'connecting');
    let socket: SocketLike;
    try {
      socket = this.options.connect(url, SUBPROTOCOL_JSON);
    } catch (error) {
      this.warn('realtime connect failed', error);
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onmessage = (event) => this.receive(socket, event.data);
    socket.onclose = (event) => this.closed(socket, event.code);
    socket.onerror = () => undefined; // a close event always follows; handled there
    // A frozen server (or a balancer still sending to it) accepts the TCP connection and never answers.
    this.handshakeTimer = setTimeout(() => {
      this.handshakeTimer = null;
      if (socket !== this.socket) return;
      this.warn('realtime handshake timed out; retrying');
      this.abandon();
    }, this.options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS);
  }

  private closed(socket: SocketLike, code: number): void {
    if (socket !== this.socket) return;
    this.socket = null;
    this.stopWatching();
    this.interest.connectionLost();
    if (!this.online || !this.url) return;
    this.setState('reconnecting');
    this.scheduleRetry(code === CLOSE_CODES.RATE_LIMITED ? RATE_LIMITED_DELAY_MS : 0);
  }

  /** Closes the current socket ourselves; its late close event is ignored. */
  private dropSocket(): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    this.stopWatching();
    this.interest.connectionLost();
    socket.onmessage = socket.onclose = socket.onerror = null;
    try {
      socket.close(1000, 'client closing');
    } catch {
      // already closed
    }
  }

  private scheduleRetry(minDelayMs = 0): void {
    this.clearRetry();
    const delay = Math.max(minDelayMs, backoffDelay(this.attempt, { random: this.options.random }));
    this.attempt += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.ensureConnected();
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Gives up on the current socket (silent or never welcomed) and tries again after the backoff. */
  private abandon(): void {
    this.dropSocket();
    this.setState('reconnecting');
    this.scheduleRetry();
  }

  private stopWatching(): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
    if (this.silenceTimer) clearInterval(this.silenceTimer);
    this.silenceTimer = null;
    this.pingSentAt = null;
  }

  // ---- silence: notices a connection that no longer carries anything (a frozen server, a dead network) ----

  /**
   * The server answers every `ping` with `pong` at once, so a quiet feed is probed rather than waited out:
   * after 40% of the window without a message the store pings, and a server that has not said anything
   * 40% of the window after that ping is dead. Checking every 10% of the window puts the verdict at
   * most one window after the last message. The answer time is counted from the ping actually sent, so a
   * timer that fires late (a throttled background tab, a laptop waking up) probes first instead of
   * blaming the server for our own pause.
   */
  private startSilenceWatch(): void {
    const windowMs = this.options.silenceMs ?? DEFAULT_SILENCE_MS;
    const probeAfterMs = windowMs * 0.4;
    this.pingSentAt = null;
    if (this.silenceTimer) clearInterval(this.silenceTimer);
    this.silenceTimer = setInterval(() => {
      const now = Date.now();
      if (this.pingSentAt === null) {
        if (now - this.lastMessageAt < probeAfterMs) return;
        this.pingSentAt = now;
        this.send({ type: 'ping' });
      } else if (now - this.pingSentAt >= probeAfterMs) {
        this.warn('realtime connection silent; reconnecting');
        this.abandon();
      }
    }, Math.max(50, windowMs * 0.1));
  }

  // ---- protocol ----

  private send(message: ClientMessage): void {
    try {
      this.socket?.send(JSON.stringify(message));
    } catch (error) {
      this.warn('realtime send failed', error);
    }
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  /** Tells the server what changed in our interest; only once it has welcomed us. */
  private flush(): void {
    if (!this.socket || this.state !== 'connected') return;
    const plan = this.interest.plan();
    for (const topics of plan.unsubscribe) this.send({ type: 'unsubscribe', topics });
    for (const { topics, since } of plan.subscribe) {
      const open = topics.filter((topic) => !isPrivateTopic(topic));
      const owned = topics.filter(isPrivateTopic);
      if (open.length > 0) this.sendSubscribe(open, since);
      if (owned.length > 0) void this.subscribePrivate(owned, since);
    }
  }

  private sendSubscribe(topics: Topic[], since: number | null, token?: string): void {
    const withToken = token === undefined ? {} : { token };
    if (since === null) this.send({ type: 'subscribe', topics, ...withToken });
    else this.send({ type: 'subscribe', topics, since, ...(this.epoch === undefined ? {} : { epoch: this.epoch }), ...withToken });
  }

  /** Private topics go out with a freshly minted token, on the connection they were planned for. */
  private async subscribePrivate(topics: Topic[], since: number | null): Promise<void> {
    const socket = this.socket;
    let token: string;
    try {
      if (!this.options.tokenFor) throw new Error('no tokenFor option: private topics cannot be followed');
      token = await this.options.tokenFor(topics);
    } catch (error) {
      this.warn(`no realtime token for ${topics.join(', ')}`, error);
      if (socket === this.socket) this.interest.unsent(topics);
      return;
    }
    if (socket !== this.socket || this.state !== 'connected') return;
    // The resume point may have moved while the token was minted.
    const cursors = topics.map((topic) => this.interest.cursor(topic));
    const resumeAt = cursors.every((cursor) => cursor != null) ? Math.min(...(cursors as number[])) : since;
    this.sendSubscribe(topics, resumeAt, token);
  }

  private receive(socket: SocketLike, data: unknown): void {
    if (socket !== this.socket) return;
    this.lastMessageAt = Date.now();
    this.pingSentAt = null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(data));
    } catch {
      this.warn('realtime sent a frame that is not JSON');
      return;
    }
    const result = ServerMessageSchema.safeParse(parsed);
    if (!result.success) {
      this.warn('realtime sent an unexpected message', result.error.issues);
      return;
    }
    const message = result.data;
    switch (message.type) {
      case 'welcome':
        this.everConnected = true;
        this.attempt = 0;
        this.setState('connected');
        if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
        this.handshakeTimer = null;
        this.startSilenceWatch();
        this.flush();
        break;
      case 'subscribed':
        this.epoch ??= message.epoch;
        for (const topic of message.topics) this.interest.advance(topic, message.seq);
        break;
      case 'event':
        this.apply(message.event);
        break;
      case 'batch':
        for (const event of message.events) this.apply(event);
        break;
      case 'reset':
        this.reset(message);
        break;
      case 'error':
        this.warn(`realtime error ${message.code}: ${message.message}`);
        break;
      case 'unsubscribed':
        // The token of these private topics expired: follow them again with a fresh one, from where we are.
        if (message.reason === 'token_expired') {
          this.interest.unsent(message.topics);
          this.scheduleFlush();
        }
        break;
      case 'pong':
        break;
    }
  }

  private apply(event: LivecartEvent): void {
    // Left over from a history the server has told us (or is about to tell us) is gone.
    if (event.epoch !== undefined && this.epoch !== undefined && event.epoch !== this.epoch) return;
    // The first epoch heard of (a server that knew none when we subscribed): our seqs are of it.
    this.epoch ??= event.epoch;
    // Advance first: a replay for a newly added topic may repeat an event another topic delivered.
    for (const topic of event.topics) this.interest.advance(topic, event.seq);
    if (!this.seen.add(event.seq)) return;
    // Only products something on screen has seeded are kept: a `catalog` feed must not grow the table.
    const changed =
      event.type === 'product.deleted'
        ? this.products.remove(event.data.id, event.data.version)
        : this.products.has(event.data.id) && this.products.offer(event.data);
    if (changed) this.notify();
    for (const listener of this.eventListeners) listener(event);
  }

  /** History no longer reaches our resume point: carry on live from `seq` and refetch what is shown. */
  private reset(message: ResetMessage): void {
    if (message.epoch !== undefined && message.epoch !== this.epoch) {
      // A new history: its seqs may be lower than ours, the ones we saw name other events, and its
      // versions may be lower than the ones shown.
      this.epoch = message.epoch;
      this.seen.clear();
      this.products.forgetVersions();
      this.interest.restart(message.topics, message.seq);
    }
    for (const topic of message.topics) this.interest.advance(topic, message.seq);
    this.refetchTopics(message.topics);
    this.options.onReset?.(message);
  }

  /** Reads again every product on screen that `topics` cover. */
  private refetchTopics(topics: readonly Topic[]): void {
    const ids = new Set<string>();
    for (const topic of topics) {
      if (topic.startsWith('product:')) {
        ids.add(topic.slice('product:'.length));
        continue;
      }
      const category = topic.startsWith('category:') ? topic.slice('category:'.length) : null;
      for (const id of this.products.ids()) {
        if (category === null || this.products.get(id)?.product.category === category) ids.add(id);
      }
    }
    const list = [...ids].filter((id) => this.products.has(id));
    for (let i = 0; i < list.length; i += REFETCH_CHUNK) void this.refetch(list.slice(i, i + REFETCH_CHUNK), 0);
  }

  private async refetch(ids: string[], attempt: number): Promise<void> {
    if (!this.options.refetch) return;
    const epoch = this.epoch;
    try {
      const { items, missing } = await this.options.refetch(ids);
      // Asked before the history changed again: the answer belongs to the one that is gone.
      if (this.epoch !== epoch) return;
      let changed = false;
      for (const product of items) changed = this.products.offer(product) || changed;
      for (const id of missing) changed = this.products.remove(id) || changed;
      if (changed) this.notify();
    } catch (error) {
      if (attempt + 1 >= REFETCH_ATTEMPTS) {
        this.warn('refetch after reset failed; showing the last known state', error);
        return;
      }
      const delay = backoffDelay(attempt + 2, { random: this.options.random });
      setTimeout(() => void this.refetch(ids, attempt + 1), delay);
    }
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private warn(message: string, detail?: unknown): void {
    (this.options.warn ?? console.warn)(message, detail);
  }
}
