import type { Queryable } from '../../db/pool.js';

/** Ends a shopper session (sign-out, rotation at sign-in, expiry); its guest cart is left to expire. */
export async function endShopperSession(db: Queryable, digest: Buffer): Promise<void> {
  await db.query('DELETE FROM shopper_sessions WHERE id_digest = $1', [digest]);
}
