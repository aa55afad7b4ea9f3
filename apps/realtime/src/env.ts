import { hostname } from 'node:os';
import { baseEnv, EnvError, envBoolean, envInt, envList, envUrl, httpEnv, loadEnv, redisEnv, type EnvSource } from '@livecart/config';
import { RealtimeTokenKeysSchema, resolveRealtimeTokenKeys } from '@livecart/schemas/realtime-token-signing';
import { z } from 'zod';

export const SLOW_CONSUMER_POLICIES = ['close', 'latest'] as const;
export type SlowConsumerPolicy = (typeof SLOW_CONSUMER_POLICIES)[number];

/** Everything this service reads from its environment; the only place `process.env` is consulted. */
export const realtimeEnv = {
  ...baseEnv,
  ...httpEnv(4001),
  ...redisEnv,
  /** Names this process in `welcome`, logs and metrics; defaults to `<hostname>-<pid>`. */
  INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'expected 1-128 characters from A-Z a-z 0-9 _ . : -')
    .optional(),
  /**
   * This service's base URL as clients reach it (behind the balancer, `wss://` under TLS), without `/ws`: the
   * server of the AsyncAPI document at /asyncapi.json. Defaults to `ws://localhost:<PORT>`.
   */
  PUBLIC_URL: envUrl(['ws:', 'wss:']).optional(),
  /** Browser origins allowed to open a socket; the page this server serves itself is always allowed. */
  ALLOWED_ORIGINS: envList(['http://localhost:3000', 'http://127.0.0.1:3000']),
  /** Non-browser clients send no Origin header; they are refused unless this is on. */
  WS_ALLOW_NO_ORIGIN: envBoolean(false),
  WS_MAX_CONNECTIONS: envInt({ min: 1, max: 1_000_000, default: 10_000 }),
  WS_MAX_TOPICS: envInt({ min: 1, max: 10_000, default: 100 }),
  WS_MAX_MESSAGES_PER_SECOND: envInt({ min: 1, max: 10_000, default: 20 }),
  WS_MAX_PAYLOAD_BYTES: envInt({ min: 256, max: 16 * 1024 * 1024, default: 32 * 1024 }),
  WS_SEND_BUFFER_MAX_BYTES: envInt({ min: 4 * 1024, max: 1024 * 1024 * 1024, default: 512 * 1024 }),
  WS_SLOW_CONSUMER_POLICY: z
    .enum(SLOW_CONSUMER_POLICIES, { error: `expected one of ${SLOW_CONSUMER_POLICIES.join(', ')}` })
    .default('close'),
  WS_HEARTBEAT_INTERVAL_MS: envInt({ min: 100, max: 3_600_000, default: 30_000 }),
  WS_HEARTBEAT_TIMEOUT_MS: envInt({ min: 100, max: 3_600_000, default: 10_000 }),
  WS_PERMESSAGE_DEFLATE: envBoolean(false),
  /**
   * Write connections in the order they got their first pending event, in short slices, holding each a
   * little longer after its first event while writing takes most of the time (fewer, fuller writes);
   * off: write everything pending once per event-loop turn.
   */
  WS_ADAPTIVE_FLUSH: envBoolean(true),
  /**
   * Stream reads (replay, gap filling) give up after this: a resume then gets `reset` (replay_failed)
   * and a gap fill retries, instead of waiting for a Redis that does not answer.
   */
  REDIS_COMMAND_TIMEOUT_MS: envInt({ min: 10, max: 60_000, default: 5_000 }),
  /** A resume further back than this many events gets `reset` instead of a replay. */
  WS_REPLAY_MAX_EVENTS: envInt({ min: 1, max: 10_000_000, default: 10_000 }),
  /**
   * The last this-many delivered events are kept in memory, and a resume they cover is replayed from there
   * instead of the stream; 0 keeps none. Costs about this many events' size (see the README).
   */
  WS_REPLAY_MEMORY_EVENTS: envInt({ min: 0, max: 1_000_000, default: 10_000 }),
  /**
   * The keys realtime tokens are verified with, `kid:base64secret[,kid:base64secret…]` (the api's
   * REALTIME_TOKEN_KEYS: every key here verifies). Unset: the public development ring, under NODE_ENV
   * development or test only.
   */
  REALTIME_TOKEN_KEYS: RealtimeTokenKeysSchema.optional(),
  /** How long shutdown waits for clients to answer the 1001 close before cutting them off. */
  SHUTDOWN_GRACE_MS: envInt({ min: 0, max: 600_000, default: 5_000 }),
};

export type RealtimeEnv = ReturnType<typeof readEnv>;

export function readEnv(source: EnvSource = process.env) {
  const env = loadEnv(realtimeEnv, source);
  const keys = resolveRealtimeTokenKeys(env.REALTIME_TOKEN_KEYS, env.NODE_ENV);
  if ('problem' in keys) throw new EnvError([{ variable: 'REALTIME_TOKEN_KEYS', message: keys.problem, received: env.REALTIME_TOKEN_KEYS === undefined ? undefined : '<redacted>' }]);
  return {
    ...env,
    INSTANCE_ID: env.INSTANCE_ID ?? `${hostname()}-${process.pid}`,
    PUBLIC_URL: env.PUBLIC_URL ?? `ws://localhost:${env.PORT}`,
    REALTIME_TOKEN_KEYS: keys.ring,
  };
}
