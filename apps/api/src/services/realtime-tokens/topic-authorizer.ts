import type { Principal } from '../../auth/access.js';
import type { Queryable } from '../../db/pool.js';

export interface TopicAuthorizerOptions {
  db: Queryable;
  /** Who asks for the token. */
  principal: Principal;
  /** The id in the topic (`order:<id>` → the order's id). */
  id: string;
}

/** Whether `principal` may follow the private topic of `id`. One per rule; a topic kind has a list of them. */
export type TopicAuthorizer = (options: TopicAuthorizerOptions) => Promise<boolean>;
