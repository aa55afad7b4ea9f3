import { parsePrivateTopic, type ErrorDetail, type RealtimeToken } from '@livecart/schemas';
import { mintRealtimeToken, type RealtimeTokenKeyRing } from '@livecart/schemas/realtime-token-signing';
import type { Queryable } from '../../db/pool.js';
import { ForbiddenError } from '../../domain/errors.js';
import { TOPIC_AUTHORIZERS } from './topic-authorizers.js';
import type { TokenRequester, TopicAuthorizer } from './topic-authorizer.js';

export interface IssueRealtimeTokenOptions {
  db: Queryable;
  requester: TokenRequester;
  /** Private topics (validated by the request schema). */
  topics: readonly string[];
  ring: RealtimeTokenKeyRing;
  nowMs: number;
  authorizers?: typeof TOPIC_AUTHORIZERS;
}

async function anyAllows(rules: readonly TopicAuthorizer[], options: Parameters<TopicAuthorizer>[0]): Promise<boolean> {
  for (const rule of rules) if (await rule(options)) return true;
  return false;
}

/** Who the token was given to, for the realtime server's logs: staff first, then the shopper, then the link. */
function subjectOf({ principal, shopper, linkedOrderId }: TokenRequester): string {
  if (principal !== null) return `${principal.type}:${principal.id}`;
  if (shopper !== null) return 'customerId' in shopper.order ? `customer:${shopper.order.customerId}` : `guest:${shopper.order.guestSessionId}`;
  return `order-link:${linkedOrderId ?? 'none'}`;
}

/**
 * A realtime token for `topics` when the requester may follow every one of them; otherwise ForbiddenError
 * naming each refused topic. A topic that does not exist is refused like one of somebody else's: the
 * answer tells nothing about what exists.
 */
export async function issueRealtimeToken(options: IssueRealtimeTokenOptions): Promise<RealtimeToken> {
  const { db, requester } = options;
  const authorizers = options.authorizers ?? TOPIC_AUTHORIZERS;
  const topics = [...new Set(options.topics)];
  const refused: ErrorDetail[] = [];
  for (const topic of topics) {
    const parsed = parsePrivateTopic(topic);
    const allowed = parsed !== undefined && (await anyAllows(authorizers[parsed.kind], { db, requester, id: parsed.id }));
    if (!allowed) refused.push({ field: `body.topics[${options.topics.indexOf(topic)}]`, message: `may not follow ${topic}` });
  }
  if (refused.length > 0) throw new ForbiddenError('a realtime token is only given for topics the caller may follow', refused);
  const { token, expiresAt } = mintRealtimeToken({ ring: options.ring, subject: subjectOf(requester), topics, nowMs: options.nowMs });
  return { token, expiresAt: expiresAt.toISOString() };
}
