import type { Customer } from '@livecart/schemas';
import type { Queryable } from '../../db/pool.js';

export interface StoredShopperSession {
  id: string;
  customer: Customer | null;
  lastSeenAt: Date;
  expiresAt: Date;
}

const SELECT = `
  SELECT s.id, s.last_seen_at AS "lastSeenAt", s.expires_at AS "expiresAt",
         c.id AS "customerId", c.email, c.created_at AS "createdAt"
  FROM shopper_sessions s LEFT JOIN customers c ON c.id = s.customer_id
  WHERE s.id_digest = $1`;

interface Row {
  id: string;
  lastSeenAt: string;
  expiresAt: string;
  customerId: string | null;
  email: string | null;
  createdAt: string | null;
}

/** The shopper session with this digest and its customer (if any); expiry is the caller's to judge. */
export async function findShopperSession(db: Queryable, digest: Buffer): Promise<StoredShopperSession | undefined> {
  const { rows } = await db.query<Row>(SELECT, [digest]);
  const row = rows[0];
  if (row === undefined) return undefined;
  const customer = row.customerId === null ? null : { id: row.customerId, email: row.email as string, createdAt: row.createdAt as string };
  return { id: row.id, customer, lastSeenAt: new Date(row.lastSeenAt), expiresAt: new Date(row.expiresAt) };
}
