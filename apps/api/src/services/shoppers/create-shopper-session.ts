import type pg from 'pg';
import { digestOf, newSecret } from '../../auth/credential-secret.js';
import type { Queryable } from '../../db/pool.js';

export interface CreateShopperSessionOptions {
  db: Queryable | pg.PoolClient;
  /** A customer's session; a guest's when null. */
  customerId: string | null;
  now: Date;
  absoluteTimeoutS: number;
}

export interface CreatedShopperSession {
  /** Goes into the cookie; only its digest is stored. */
  secret: string;
  /** The session's row id: what a guest's cart is owned by. */
  id: string;
  expiresAt: Date;
}

const INSERT = 'INSERT INTO shopper_sessions (id_digest, customer_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4) RETURNING id';

/** A new shopper session: always a new secret, never one the browser brought along. */
export async function createShopperSession(options: CreateShopperSessionOptions): Promise<CreatedShopperSession> {
  const secret = newSecret();
  const expiresAt = new Date(options.now.getTime() + options.absoluteTimeoutS * 1_000);
  const { rows } = await options.db.query<{ id: string }>(INSERT, [digestOf(secret), options.customerId, options.now, expiresAt]);
  return { secret, id: (rows[0] as { id: string }).id, expiresAt };
}
