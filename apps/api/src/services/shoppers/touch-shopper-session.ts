import type { Queryable } from '../../db/pool.js';

/** Moves a shopper session's idle deadline; called at most once a minute per session, never per request. */
export async function touchShopperSession(db: Queryable, id: string, at: Date): Promise<void> {
  await db.query('UPDATE shopper_sessions SET last_seen_at = greatest(last_seen_at, $2) WHERE id = $1', [id, at]);
}
