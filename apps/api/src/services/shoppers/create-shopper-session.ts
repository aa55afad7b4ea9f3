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

/** Stores a session: $1 the secret's digest, $2 the customer (null: a guest), $3 now, $4 the absolute expiry. */
export const INSERT_SHOPPER_SESSION = 'INSERT INTO shopper_sessions (id_digest, customer_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4) RETURNING id';

/** A session about to be stored: always a new secret, never one the browser brought along. */
export function newShopperSession(now: Date, absoluteTimeoutS: number): Omit<CreatedShopperSession, 'id'> {
  return { secret: newSecret(), expiresAt: new Date(now.getTime() + absoluteTimeoutS * 1_000) };
}

/** A new shopper session, stored. */
export async function createShopperSession(options: CreateShopperSessionOptions): Promise<CreatedShopperSession> {
  const session = newShopperSession(options.now, options.absoluteTimeoutS);
  const { rows } = await options.db.query<{ id: string }>(INSERT_SHOPPER_SESSION, [digestOf(session.secret), options.customerId, options.now, session.expiresAt]);
  return { ...session, id: (rows[0] as { id: string }).id };
}
