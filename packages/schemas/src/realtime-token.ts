import { z } from 'zod';
import { TimestampSchema } from './common.js';
import { PrivateTopicSchema } from './topics.js';

/*
 * A realtime token lets its holder subscribe to the private topics it names, for a few minutes. The API
 * mints it for the topics' owner; the realtime server checks it with the shared key ring alone, no
 * database, no I/O. Wire form (every part base64url without padding, except the first two):
 *
 *   v1.<kid>.<payload>.<signature>
 *
 * `payload` is the claims' JSON; `signature` is HMAC-SHA256, keyed by the ring's key `kid`, over the
 * ASCII bytes of `v1.<kid>.<payload>`. The signature is checked first (in constant time), then the
 * claims; nothing of an unsigned payload is ever read.
 *
 * This file is the contract and loads anywhere (browsers too); signing and verifying need node:crypto and
 * live in `realtime-token-signing`.
 */

export const REALTIME_TOKEN_VERSION = 'v1';
/** No token lives longer than this from its `iat`, whatever its `exp` says: a leaked one is soon useless. */
export const REALTIME_TOKEN_MAX_LIFETIME_S = 15 * 60;
/** What the API mints. */
export const REALTIME_TOKEN_DEFAULT_LIFETIME_S = 5 * 60;
/** How far in the future an `iat` may be (the minting host's clock ahead of this one). */
export const REALTIME_TOKEN_CLOCK_SKEW_S = 30;
export const REALTIME_TOKEN_MAX_TOPICS = 20;
export const REALTIME_TOKEN_MAX_LENGTH = 4_096;
/** A signing key is at least this many random bytes (the HMAC-SHA256 block is 64, its output 32). */
export const REALTIME_TOKEN_KEY_MIN_BYTES = 32;

export const RealtimeTokenClaimsSchema = z.strictObject({
  /** Who it was minted for, `<actor type>:<id>` (e.g. `user:<uuid>`): for logs, never for access. */
  sub: z.string().min(1).max(128),
  /** The private topics it opens; nothing else. */
  topics: z.array(PrivateTopicSchema).min(1).max(REALTIME_TOKEN_MAX_TOPICS),
  /** Issued at, in seconds since the epoch. */
  iat: z.int().min(0),
  /** Expires at, in seconds since the epoch: refused from this second on. */
  exp: z.int().min(1),
});
export type RealtimeTokenClaims = z.infer<typeof RealtimeTokenClaimsSchema>;

/** `POST /v1/realtime/tokens`: the private topics the caller wants to follow. */
export const RealtimeTokenRequestSchema = z.strictObject({
  topics: z
    .array(PrivateTopicSchema)
    .min(1, { error: 'must name at least one topic' })
    .max(REALTIME_TOKEN_MAX_TOPICS, { error: `may name at most ${REALTIME_TOKEN_MAX_TOPICS} topics` }),
});
export type RealtimeTokenRequest = z.infer<typeof RealtimeTokenRequestSchema>;

/** The token to send in `subscribe` and when it stops being accepted. */
export const RealtimeTokenSchema = z.object({
  token: z.string().max(REALTIME_TOKEN_MAX_LENGTH),
  expiresAt: TimestampSchema,
});
export type RealtimeToken = z.infer<typeof RealtimeTokenSchema>;

/**
 * Why a token was refused. `malformed`: not `v1.<kid>.<payload>.<signature>`, or signed claims that break
 * the schema; `unknown_key`: a kid not in the ring (forged, or its key rotated out); `bad_signature`:
 * forged or tampered with; `expired`: at or past `exp`; `not_yet_valid`: issued in the future;
 * `too_long_lived`: `exp` further than the maximum lifetime from `iat`.
 */
export const REALTIME_TOKEN_FAILURES = ['malformed', 'unknown_key', 'bad_signature', 'expired', 'not_yet_valid', 'too_long_lived'] as const;
export type RealtimeTokenFailure = (typeof REALTIME_TOKEN_FAILURES)[number];
