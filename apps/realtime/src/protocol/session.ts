import {
  CLOSE_CODES,
  type ClientMessage,
  type Limits,
  type RealtimeErrorCode,
  type SubscribeMessage,
  type UnsubscribeMessage,
} from '@livecart/schemas';
import type { Logger } from 'pino';
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
    const handled = this.queue === undefined ? this.dispatch(message) : this.queue.then(() => this.dispatch(message));
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
    const added = topics.filter((topic) => !connection.topics.has(topic)).length;
    if (connection.topics.size + added > limits.maxTopicsPerConnection) {
      return this.sendError(
        'too_many_topics',
        `a connection may follow at most ${limits.maxTopicsPerConnection} topics (has ${connection.topics.size}, asked for ${added} more)`,
        message.id,
      );
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
    this.send({ type: 'unsubscribed', topics, ...(message.id === undefined ? {} : { id: message.id }) });
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
