import { isCatalogEvent, type LivecartEvent, type PublishedEvent } from '@livecart/schemas/events';
import { CLOSE_CODES, type ClientMessage, DELIVERY_PARAM, type DeliveryMode, type RealtimeErrorCode, type ResetMessage, SUBPROTOCOL_JSON } from '@livecart/schemas/realtime';
import { isPrivateTopic, type Topic } from '@livecart/schemas/topics';
import { backoffDelay } from './backoff.js';
import { Listeners } from './listeners.js';
import { PrivateSubscribes } from './private-subscribes.js';
import { type EventHead, looseEvents, type PrivateEvent, ReceivedMessageSchema } from './received-message.js';
import { RecentSet } from './recent-set.js';
import { SilenceWatch } from './silence-watch.js';
import { platformWebSocket, type RealtimeSocket, type RealtimeSocketConstructor } from './socket.js';
import { TopicInterest } from './topic-interest.js';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** Where a snapshot was read in the event stream: `X-Event-Seq` / `X-Event-Epoch` of an API answer (`eventPositionOf`). */
export interface StreamPosition {
  seq: number;
  epoch?: string | null | undefined;
}

/** The server's history no longer covers what the client followed, or it started another one. */
export interface RealtimeReset {
  /** The topics whose events in between may be missing: what they show must be read again. */
  topics: Topic[];
  /** They carry on from here. */
  seq: number;
  epoch: string | undefined;
  reason: ResetMessage['reason'];
  /**
   * A new history (a database restored to an earlier point): its seqs may be lower than those seen,
   * and the versions of the state it carries may be lower than the ones shown.
   */
  epochChanged: boolean;
}

/** An `error` the server sent; for a refused subscribe of private topics, which ones. */
export interface RealtimeError {
  code: RealtimeErrorCode;
  message: string;
  /** The private topics of the refused subscribe; empty when the error concerns no subscribe of ours. */
  topics: Topic[];
  /** A refused token (`token_expired`, `token_invalid`): a fresh one is minted and sent again, a few times. */
  retrying: boolean;
}

export interface RealtimeClientOptions {
  /** The realtime endpoint (`wss://…/ws`); may be given later with `setUrl`. */
  url?: string;
  /** Default `globalThis.WebSocket` (browsers, Node 22+); e.g. the `ws` package to send an Origin from Node. */
  WebSocket?: RealtimeSocketConstructor;
  /**
   * A realtime token for private topics (`order:<id>`, `cart:<id>`), from the API's `POST /v1/realtime/tokens`.
   * Asked anew for every subscribe of a private topic, one topic per call (each may need its own
   * credential): after each reconnect, and when the server ends a subscription whose token expired.
   * Without it, private topics are never subscribed.
   */
  tokenFor?: (topics: Topic[]) => Promise<string>;
  /**
   * `latest`: a view of current state (a page) is sent each subject's newest state of a write instead of every
   * step (see `DELIVERY_MODES` in `@livecart/schemas`); `all` (the default): every event.
   */
  delivery?: DeliveryMode;
  random?: () => number;
  warn?: (message: string, detail?: unknown) => void;
  /**
   * Longest time a welcomed connection may stay silent (no event, batch, pong or other message) before it
   * is taken for dead and replaced; default 10 s. See `SilenceWatch` for how the time is spent.
   */
  silenceMs?: number;
  /** Longest wait from opening a socket to the server's `welcome`; default 5 s. */
  handshakeTimeoutMs?: number;
  /**
   * After a reset into a new epoch (every open client gets it at the same moment), `onRefetch` listeners
   * are told a random part of this later, so that clients do not all ask the API at once; default 1 s.
   */
  epochRefetchSpreadMs?: number;
}

export const DEFAULT_SILENCE_MS = 10_000;
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5_000;
export const DEFAULT_EPOCH_REFETCH_SPREAD_MS = 1_000;
/** Told to slow down (4429): wait at least this long before coming back. */
export const RATE_LIMITED_DELAY_MS = 15_000;

/** Times in a row a private topic's fresh token may be refused on one connection before the client stops asking. */
export const MAX_TOKEN_REFUSALS = 3;

/** Seqs remembered for de-duplication: a duplicate arrives close to its original. */
const SEEN_WINDOW = 4_096;

/**
 * One WebSocket to the realtime server, shared by everything that follows topics through it: connects
 * while something is followed, reconnects with jittered exponential backoff, resumes every topic from
 * the last seq applied to it (in the epoch that seq belongs to), and hands each event on once, validated.
 * Framework-free; works in browsers and in Node.
 */
export class RealtimeClient {
  private url: string | null;
  private socket: RealtimeSocket | null = null;
  private currentState: ConnectionState = 'idle';
  private online = true;
  private attempt = 0;
  private everConnected = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private handshakeTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly silence: SilenceWatch;
  private flushQueued = false;
  private readonly interest = new TopicInterest();
  private readonly seen = new RecentSet<number>(SEEN_WINDOW);
  /** Event types passed over as unknown, each warned about once. */
  private readonly unknownTypes = new Set<string>();
  /** The event history our seqs belong to (as the server last named it); seqs of another compare with nothing. */
  private currentEpoch: string | undefined;
  private readonly stateListeners = new Listeners<ConnectionState>();
  private readonly eventListeners = new Listeners<LivecartEvent>();
  private readonly privateListeners = new Listeners<PrivateEvent>();
  private readonly resetListeners = new Listeners<RealtimeReset>();
  private readonly refetchListeners = new Listeners<Topic[]>();
  private readonly errorListeners = new Listeners<RealtimeError>();
  private readonly privateSubscribes = new PrivateSubscribes();

  constructor(private readonly options: RealtimeClientOptions = {}) {
    this.url = options.url ?? null;
    this.silence = new SilenceWatch(
      options.silenceMs ?? DEFAULT_SILENCE_MS,
      () => this.send({ type: 'ping' }),
      () => {
        this.warn('realtime connection silent; reconnecting');
        this.abandon();
      },
    );
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The epoch of the seqs this client resumes from; undefined until a server or a caller named one. */
  get epoch(): string | undefined {
    return this.currentEpoch;
  }

  // ---- listeners: each returns its removal ----

  onStateChange(listener: (state: ConnectionState) => void): () => void {
    return this.stateListeners.add(listener);
  }

  /** Every catalog event (`product.*`, `stock.changed`) of the followed topics once, in arrival order. */
  onEvent(listener: (event: LivecartEvent) => void): () => void {
    return this.eventListeners.add(listener);
  }

  /** Every event of a followed private topic (an order's status, a cart's contents) once, in arrival order. */
  onPrivateEvent(listener: (event: PrivateEvent) => void): () => void {
    return this.privateListeners.add(listener);
  }

  /** Every reset, as it happens (before any event of the new history): forget what is held by seq or version. */
  onReset(listener: (reset: RealtimeReset) => void): () => void {
    return this.resetListeners.add(listener);
  }

  /**
   * When what `topics` show must be read again: at once after a reset within one history, a random part of
   * `epochRefetchSpreadMs` after a reset into a new one (skipped if it changed again meanwhile), and at
   * once for a `subscribe` whose position is of a history the client no longer follows.
   */
  onRefetch(listener: (topics: Topic[]) => void): () => void {
    return this.refetchListeners.add(listener);
  }

  /**
   * Every `error` the server sends. A private topic whose subscribe was refused is not followed on this
   * connection: a refused token (`token_expired`, `token_invalid`) is minted again and resent up to
   * `MAX_TOKEN_REFUSALS` times in a row; `token_required` and `topic_forbidden` are final until the next
   * connection (or a release and subscribe), so what shows the topic should say it is not live.
   */
  onError(listener: (error: RealtimeError) => void): () => void {
    return this.errorListeners.add(listener);
  }

  // ---- what to follow ----

  /** Where to connect; a new URL replaces the current connection. */
  setUrl(url: string): void {
    if (url === this.url) return;
    this.url = url;
    if (this.socket) this.dropSocket();
    this.ensureConnected();
  }

  /**
   * Follows `topics` (reference-counted: each call holds them until its release), resuming after `from`
   * (the position a snapshot of them was read at, so nothing between the read and the subscribe is missed);
   * without it, from now on. Returns the release.
   */
  subscribe(topics: readonly Topic[], from: StreamPosition | null = null): () => void {
    let since = from?.seq ?? null;
    const epoch = from?.epoch ?? null;
    if (since !== null && epoch !== null) {
      // The first history heard of: subscribing names it, and the server resets us if it is gone.
      if (this.currentEpoch === undefined) this.currentEpoch = epoch;
      else if (epoch !== this.currentEpoch) {
        // The caller's snapshot is of another history than ours: its seq means nothing here. Live from
        // now, and what it shows is read again.
        since = null;
        this.refetchListeners.emit([...topics]);
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

  /** No point retrying without a network: a browser's online/offline events drive it. */
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

  /** Stops for good (until `setUrl` again). */
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
    let socket: RealtimeSocket;
    try {
      const WebSocketClass = this.options.WebSocket ?? platformWebSocket();
      socket = new WebSocketClass(withDelivery(url, this.options.delivery ?? 'all'), SUBPROTOCOL_JSON);
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

  private closed(socket: RealtimeSocket, code: number): void {
    if (socket !== this.socket) return;
    this.socket = null;
    this.stopWatching();
    this.interest.connectionLost();
    this.privateSubscribes.connectionLost();
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
    this.privateSubscribes.connectionLost();
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
    this.silence.stop();
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
    if (!this.socket || this.currentState !== 'connected') return;
    const plan = this.interest.plan();
    for (const topics of plan.unsubscribe) this.send({ type: 'unsubscribe', topics });
    for (const { topics, since } of plan.subscribe) {
      const open = topics.filter((topic) => !isPrivateTopic(topic));
      const owned = topics.filter(isPrivateTopic);
      if (open.length > 0) this.sendSubscribe(open, since);
      for (const topic of owned) void this.subscribePrivate([topic], since);
    }
  }

  private sendSubscribe(topics: Topic[], since: number | null, token?: string): void {
    // A private subscribe carries an id, echoed on its answer: a refusal is then known by its topics.
    const withToken = token === undefined ? {} : { token, id: this.privateSubscribes.open(topics) };
    if (since === null) this.send({ type: 'subscribe', topics, ...withToken });
    else this.send({ type: 'subscribe', topics, since, ...(this.currentEpoch === undefined ? {} : { epoch: this.currentEpoch }), ...withToken });
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
    if (socket !== this.socket || this.currentState !== 'connected') return;
    // The resume point may have moved while the token was minted.
    const cursors = topics.map((topic) => this.interest.cursor(topic));
    const resumeAt = cursors.every((cursor) => cursor != null) ? Math.min(...(cursors as number[])) : since;
    this.sendSubscribe(topics, resumeAt, token);
  }

  private receive(socket: RealtimeSocket, data: unknown): void {
    if (socket !== this.socket) return;
    this.silence.heard();
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(data));
    } catch {
      this.warn('realtime sent a frame that is not JSON');
      return;
    }
    const result = ReceivedMessageSchema.safeParse(parsed);
    if (!result.success) {
      const events = looseEvents(parsed);
      if (events === undefined) {
        this.warn('realtime sent an unexpected message', result.error.issues);
        return;
      }
      for (const event of events) {
        if ('known' in event) this.apply(event.known);
        else this.skip(event.unknown);
      }
      return;
    }
    const message = result.data;
    switch (message.type) {
      case 'welcome':
        this.everConnected = true;
        this.attempt = 0;
        if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
        this.handshakeTimer = null;
        // A server of another history than our seqs: never resume from them there; start from its seq.
        if (message.epoch !== undefined && this.currentEpoch !== undefined && message.epoch !== this.currentEpoch) {
          this.reset({ topics: this.interest.topics(), seq: message.seq, epoch: message.epoch, reason: 'epoch_changed' });
        }
        this.setState('connected');
        this.silence.start();
        this.flush();
        break;
      case 'subscribed':
        this.privateSubscribes.confirmed(message.id);
        this.currentEpoch ??= message.epoch;
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
        this.serverError(message.code, message.message, message.id);
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

  private apply(event: PublishedEvent): void {
    // Left over from a history the server has told us (or is about to tell us) is gone.
    if (event.epoch !== undefined && this.currentEpoch !== undefined && event.epoch !== this.currentEpoch) return;
    // The first epoch heard of (a server that knew none when we subscribed): our seqs are of it.
    this.currentEpoch ??= event.epoch;
    // Advance first: a replay for a newly added topic may repeat an event another topic delivered.
    for (const topic of event.topics) this.interest.advance(topic, event.seq);
    if (!this.seen.add(event.seq)) return;
    if (isCatalogEvent(event)) this.eventListeners.emit(event);
    else this.privateListeners.emit(event);
  }

  /**
   * An event this client cannot read (a type a newer server added): passed over, but counted as received,
   * so that the resume position moves past it and a redelivery is still a duplicate.
   */
  private skip(head: EventHead): void {
    if (head.epoch !== undefined && this.currentEpoch !== undefined && head.epoch !== this.currentEpoch) return;
    this.currentEpoch ??= head.epoch;
    for (const topic of head.topics) this.interest.advance(topic as Topic, head.seq);
    if (!this.seen.add(head.seq)) return;
    if (!this.unknownTypes.has(head.type)) {
      this.unknownTypes.add(head.type);
      this.warn(`realtime sent events of type ${head.type}, which this client does not know (a newer server?); passing over them`);
    }
  }

  /** History no longer reaches our resume point: carry on from `seq`, and have what is shown read again. */
  private reset(message: Pick<ResetMessage, 'topics' | 'seq' | 'epoch' | 'reason'>): void {
    const epochChanged = message.epoch !== undefined && message.epoch !== this.currentEpoch;
    if (epochChanged) {
      // A new history: its seqs may be lower than ours, and the ones we saw name other events.
      this.currentEpoch = message.epoch;
      this.seen.clear();
      this.interest.restart(message.topics, message.seq);
    }
    for (const topic of message.topics) this.interest.advance(topic, message.seq);
    const topics = [...message.topics];
    this.resetListeners.emit({ topics, seq: message.seq, epoch: message.epoch, reason: message.reason, epochChanged });
    if (epochChanged) this.refetchAfterEpochChange(topics);
    else this.refetchListeners.emit(topics);
  }

  private refetchAfterEpochChange(topics: Topic[]): void {
    const epoch = this.currentEpoch;
    const spread = this.options.epochRefetchSpreadMs ?? DEFAULT_EPOCH_REFETCH_SPREAD_MS;
    setTimeout(
      () => {
        if (this.currentEpoch === epoch) this.refetchListeners.emit(topics);
      },
      (this.options.random ?? Math.random)() * spread,
    );
  }

  private serverError(code: RealtimeErrorCode, message: string, id: string | undefined): void {
    const refused = this.privateSubscribes.refused(id);
    const topics = refused?.topics ?? [];
    const retrying = refused !== undefined && (code === 'token_expired' || code === 'token_invalid') && refused.refusals < MAX_TOKEN_REFUSALS;
    this.warn(`realtime error ${code}: ${message}${topics.length > 0 ? ` (${topics.join(', ')}${retrying ? '; asking for a fresh token' : ''})` : ''}`);
    if (retrying) {
      // After the backoff for that many refusals: a key the server does not hold yet may be rolling out.
      const socket = this.socket;
      setTimeout(() => {
        if (socket !== this.socket || this.currentState !== 'connected') return;
        this.interest.unsent(topics);
        this.scheduleFlush();
      }, backoffDelay(refused.refusals - 1, { random: this.options.random }));
    }
    this.errorListeners.emit({ code, message, topics, retrying });
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.stateListeners.emit(state);
  }

  private warn(message: string, detail?: unknown): void {
    (this.options.warn ?? console.warn)(message, detail);
  }
}

/** The endpoint URL asking for a delivery mode; `all` is the server's default and adds nothing. */
export function withDelivery(url: string, delivery: DeliveryMode): string {
  if (delivery === 'all') return url;
  return `${url}${url.includes('?') ? '&' : '?'}${DELIVERY_PARAM}=${delivery}`;
}
