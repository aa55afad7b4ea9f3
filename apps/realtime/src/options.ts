import type { RealtimeTokenKeyRing } from '@livecart/schemas/realtime-token-signing';
import type { Logger } from 'pino';
import type { RealtimeEnv, SlowConsumerPolicy } from './env.js';

/** Everything `buildApp` needs; server.ts derives it from the environment, tests build it directly. */
export interface RealtimeOptions {
  instanceId: string;
  /** The base URL clients reach this service at (`ws://` or `wss://`): the AsyncAPI document's server. */
  publicUrl: string;
  redisUrl: string;
  redisPrefix: string;
  /** Commands of the stream-reading connection fail after this (the subscriber connection waits). */
  redisCommandTimeoutMs: number;
  allowedOrigins: readonly string[];
  allowNoOrigin: boolean;
  /** An Origin equal to the request's Host passes unlisted (the debug page): development only. */
  allowSameHostOrigin: boolean;
  maxConnections: number;
  maxTopics: number;
  maxMessagesPerSecond: number;
  maxPayloadBytes: number;
  sendBufferMaxBytes: number;
  slowConsumerPolicy: SlowConsumerPolicy;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  perMessageDeflate: boolean;
  adaptiveFlush: boolean;
  replayMaxEvents: number;
  /** How many of the last delivered events are kept for replays (0: none, every replay reads Redis). */
  replayMemoryEvents: number;
  shutdownGraceMs: number;
  /** Verifies the tokens that open private topics. */
  tokenKeys: RealtimeTokenKeyRing;
  /** The clock tokens are checked against (epoch ms); tests move it. */
  now?: () => number;
  logger: Logger;
}

export function optionsFromEnv(env: RealtimeEnv, logger: Logger): RealtimeOptions {
  return {
    instanceId: env.INSTANCE_ID,
    publicUrl: env.PUBLIC_URL,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    redisCommandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
    allowedOrigins: env.ALLOWED_ORIGINS,
    allowNoOrigin: env.WS_ALLOW_NO_ORIGIN,
    allowSameHostOrigin: env.NODE_ENV === 'development',
    maxConnections: env.WS_MAX_CONNECTIONS,
    maxTopics: env.WS_MAX_TOPICS,
    maxMessagesPerSecond: env.WS_MAX_MESSAGES_PER_SECOND,
    maxPayloadBytes: env.WS_MAX_PAYLOAD_BYTES,
    sendBufferMaxBytes: env.WS_SEND_BUFFER_MAX_BYTES,
    slowConsumerPolicy: env.WS_SLOW_CONSUMER_POLICY,
    heartbeatIntervalMs: env.WS_HEARTBEAT_INTERVAL_MS,
    heartbeatTimeoutMs: env.WS_HEARTBEAT_TIMEOUT_MS,
    perMessageDeflate: env.WS_PERMESSAGE_DEFLATE,
    adaptiveFlush: env.WS_ADAPTIVE_FLUSH,
    replayMaxEvents: env.WS_REPLAY_MAX_EVENTS,
    replayMemoryEvents: env.WS_REPLAY_MEMORY_EVENTS,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    tokenKeys: env.REALTIME_TOKEN_KEYS,
    logger,
  };
}
