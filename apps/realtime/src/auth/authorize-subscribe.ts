import type { RealtimeErrorCode } from '@livecart/schemas';
import { grantsTopic, verifyRealtimeToken, type RealtimeTokenKeyRing } from '@livecart/schemas/realtime-token-signing';
import { isPrivateTopic } from '@livecart/schemas/topics';

export type SubscribeAuthorization =
  /** `grants`: each private topic asked for, with when (epoch ms) its token stops holding. */
  | { ok: true; grants: Map<string, number> }
  | { ok: false; code: RealtimeErrorCode; message: string };

const NO_GRANTS: SubscribeAuthorization = { ok: true, grants: new Map() };

/**
 * Whether a `subscribe` may follow `topics`: public ones always; private ones only with a token, verified
 * with the key ring alone (no I/O), that grants every one of them. All or nothing: a refusal names the
 * first reason, and nothing of the message is subscribed.
 */
export function authorizeSubscribe(options: { topics: readonly string[]; token: string | undefined; ring: RealtimeTokenKeyRing; nowMs: number }): SubscribeAuthorization {
  const wanted = options.topics.filter(isPrivateTopic);
  if (wanted.length === 0) return NO_GRANTS;
  if (options.token === undefined) {
    return { ok: false, code: 'token_required', message: `${wanted[0]} is private: subscribe with a token from POST /v1/realtime/tokens` };
  }
  const verdict = verifyRealtimeToken({ ring: options.ring, token: options.token, nowMs: options.nowMs });
  if (!verdict.ok) {
    if (verdict.reason === 'expired') return { ok: false, code: 'token_expired', message: 'the token has expired: mint a fresh one' };
    return { ok: false, code: 'token_invalid', message: `the token is not valid (${verdict.reason.replace(/_/g, ' ')})` };
  }
  const denied = wanted.filter((topic) => !grantsTopic(verdict.claims, topic));
  if (denied.length > 0) return { ok: false, code: 'topic_forbidden', message: `the token does not grant ${denied.join(', ')}`.slice(0, 1_000) };
  const until = verdict.claims.exp * 1_000;
  return { ok: true, grants: new Map(wanted.map((topic) => [topic, until])) };
}
