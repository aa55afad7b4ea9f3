import {
  CLOSE_CODES,
  type ClientMessage,
  type Limits,
  type RealtimeErrorCode,
  type SubscribeMessage,
  type UnsubscribeMessage,
} from '@livecart/schemas';
import type { RealtimeTokenKeyRing } from '@livecart/schemas/realtime-token-signing';
import type { Logger } from 'pino';
import { authorizeSubscribe } from '../auth/authorize-subscribe.js';
import { PrivateGrants } from '../auth/private-grants.js';
import type { EventStream } from '../events/event-stream.js';
import type { Connection } from '../hub/connection.js';
import type { Hub } from '../hub/hub.js';
import { subscribeWithReplay, type SubscribeResult } from '../replay/subscribe-with-replay.js';
import { NotWritableError } from '../replay/wait-writable.js';
import { decodeFrame } from './decode-frame.js';
import { parseClientMessage } from './parse-client-message.js';
import { RateLimiter, type RateLimiterOptions } from './rate-limiter.js';
import type { ControlMessage } from './frames.js';
import type { KickReason, ClientStats } from './client-stats.js';

/** What every session of the instance shares; one object, so a connection costs no copy of it. */
export interface SessionContext {
  hub: Hub;
  stream: EventStream;
  limits: Limits;
  rateLimit: RateLimiterOptions;
  sendBufferMaxBytes: number;
  replayMaxEvents: number;
  replayChunkSize: number;
  replayDrainTimeoutMs: number;
  stats: ClientStats;
  /** Verifies the tokens of private topics. */
  tokenKeys: RealtimeTokenKeyRing;
  now: () => number;
  logger: Logger;
}

/**
 * One client's side of the protocol: rate limiting, decoding and validating its frames, and answering
 * them. Messages are handled one after another, so a `subscribe` that replays finishes before the next
 * message of the same client is looked at; other connections are never affected.
 */
export class Session {
  private readonly rateLimiter: RateLimiter;
  /** The message being handled, if any; the next one waits for it. */
  private queue: Promise<void> | undefined;
  /** Private topics followed, with their tokens' ends; created with the first (most sessions have none). */
  private grants: PrivateGrants | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private expiryAt: number | undefined;

  constructor(
    private readonly options: SessionContext,
    private readonly connection: Connection,
  ) {
    this.rateLimiter = new RateLimiter(options.rateLimit);
  }

  handleFrame(data: Buffer, isBinary: boolean): void {
    const { connection } = this;
    const { stats } = this.options;
    if (connection.closed) return;
    stats.clientMessages++;
    const verdict = this.rateLimiter.check();
    if (verdict === 'drop') return;
    if (verdict === 'close') return this.kick(CLOSE_CODES.RATE_LIMITED, 'rate limited', 'rate_limited');
    if (verdict === 'warn') {
      return this.sendError('rate_limited', `more than ${this.options.limits.maxMessagesPerSecond} messages per second; message dropped`);
    }

    const decoded = decodeFrame(connection.transport.format, data, isBinary);
    if (!decoded.ok) {
      this.sendError(decoded.code, decoded.message);
      if (decoded.fatal) this.kick(CLOSE_CODES.POLICY_VIOLATION, decoded.code, 'protocol');
      return;
    }
    const parsed = parseClientMessage(decoded.value);
    if (!parsed.ok) return this.sendError(parsed.code, parsed.message, parsed.id);
    const message = parsed.message;
    this.enqueue(() => this.dispatch(message));
  }

  /** The socket closed: stops the token expiry timer. */
  close(): void {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
  }

  /** Runs `task` after the message being handled, if any: one thing at a time per session. */
  private enqueue(task: () => Promise<void>): void {
    const handled = this.queue === undefined ? task() : this.queue.then(task);
    this.queue = handled;
    // Idle sessions hold no promise: there are tens of thousands of them.
    void handled.then(() => {
      if (this.queue === handled) this.queue = undefined;
    });
  }

  private async dispatch(message: ClientMessage): Promise<void> {
    if (this.connection.closed) return;
    try {
      switch (message.type) {
        case 'subscribe':
          return await this.subscribe(message);
        case 'unsubscribe':
          return this.unsubscribe(message);
        case 'ping':
          return this.send({ type: 'pong', ts: Date.now(), ...(message.id === undefined ? {} : { id: message.id }) });
      }
    } catch (error) {
      if (error instanceof NotWritableError) {
        this.options.stats.count(this.options.stats.replays, 'failed');
        return this.kick(CLOSE_CODES.SLOW_CONSUMER, 'slow consumer', 'slow_replay');
      }
      this.options.logger.error({ err: error, type: message.type }, 'client message failed');
      this.sendError('internal', 'the server could not handle this message', message.id);
    }
  }

  private async subscribe(message: SubscribeMessage): Promise<void> {
    const { connection } = this;
    const { hub, limits, stats } = this.options;
    const topics = [...new Set(message.topics)];
    const authorization = authorizeSubscribe({ topics, token: message.token, ring: this.options.tokenKeys, nowMs: this.options.now() });
    if (!authorization.ok) return this.sendError(authorization.code, authorization.message, message.id);
    const added = topics.filter((topic) => !connection.topics.has(topic)).length;
    if (connection.topics.size + added > limits.maxTopicsPerConnection) {
      return this.sendError(
        'too_many_topics',
        `a connection may follow at most ${limits.maxTopicsPerConnection} topics (has ${connection.topics.size}, asked for ${added} more)`,
        message.id,
      );
    }
    if (authorization.grants.size > 0) {
      (this.grants ??= new PrivateGrants()).grant(authorization.grants);
      this.scheduleExpiry();
    }
    const id = message.id === undefined ? {} : { id: message.id };
    const epoch = hub.epoch === undefined ? {} : { epoch: hub.epoch };
    const announce = (result: SubscribeResult) => {
      if (result.reset !== undefined) {
        this.send({ type: 'reset', topics: result.topics, seq: result.seq, ...epoch, reason: result.reset, ...id });
      }
      this.send({ type: 'subscribed', topics: result.topics, seq: result.seq, ...epoch, replayed: result.replayed, ...id });
    };
    // A since of another history compares with nothing here: never replayed, always reset.
    if (message.since !== undefined && message.epoch !== undefined && message.epoch !== hub.epoch) {
      hub.subscribe(connection, topics, hub.seq);
      announce({ topics, seq: hub.seq, replayed: 0, reset: 'epoch_changed' });
      stats.count(stats.replays, 'reset');
      return;
    }
    const result = await subscribeWithReplay(
      {
        hub,
        connection,
        stream: this.options.stream,
        replayMaxEvents: this.options.replayMaxEvents,
        replayChunkSize: this.options.replayChunkSize,
        sendBufferMaxBytes: this.options.sendBufferMaxBytes,
        drainTimeoutMs: this.options.replayDrainTimeoutMs,
        onReplayError: (error) => this.options.logger.warn({ err: error }, 'replay failed; client told to reset'),
      },
      topics,
      message.since,
      announce,
    );
    if (message.since === undefined) return;
    if (result.reset === 'replay_failed') stats.count(stats.replays, 'failed');
    else if (result.reset !== undefined) stats.count(stats.replays, 'reset');
    else {
      stats.count(stats.replays, 'replayed');
      stats.replayedEvents += result.replayed;
    }
  }

  private unsubscribe(message: UnsubscribeMessage): void {
    const topics = [...new Set(message.topics)];
    this.options.hub.unsubscribe(this.connection, topics);
    this.grants?.forget(topics);
    this.send({ type: 'unsubscribed', topics, ...(message.id === undefined ? {} : { id: message.id }) });
  }

  /**
   * A private subscription lasts as long as its token: at the token's `exp` the topic is unsubscribed and
   * the client told (`unsubscribed`, reason `token_expired`); a fresh token sent before then extends it.
   */
  private scheduleExpiry(): void {
    const next = this.grants?.nextExpiry();
    if (this.expiryTimer !== undefined && this.expiryAt === next) return;
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    if (next === undefined || this.connection.closed) return;
    this.expiryAt = next;
    this.expiryTimer = setTimeout(() => {
      this.expiryTimer = undefined;
      this.enqueue(async () => this.expire());
    }, Math.max(0, next - this.options.now()));
    this.expiryTimer.unref();
  }

  private expire(): void {
    if (this.connection.closed || this.grants === undefined) return;
    const topics = this.grants.takeExpired(this.options.now());
    if (topics.length > 0) {
      this.options.hub.unsubscribe(this.connection, topics);
      this.send({ type: 'unsubscribed', topics, reason: 'token_expired' });
    }
    this.scheduleExpiry();
  }

  private send(message: ControlMessage): void {
    if (!this.connection.closed) this.connection.transport.sendMessage(message);
  }

  private sendError(code: RealtimeErrorCode, message: string, id?: string): void {
    const { stats } = this.options;
    stats.count(stats.clientErrors, code);
    this.send({ type: 'error', code, message, ...(id === undefined ? {} : { id }) });
  }

  private kick(code: number, reason: string, kind: KickReason): void {
    const { connection } = this;
    const { hub, stats } = this.options;
    stats.count(stats.kicks, kind);
    hub.remove(connection);
    connection.transport.kick(code, reason);
  }
}
