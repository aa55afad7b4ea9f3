import type { StaffUser } from '@livecart/schemas';
import type pg from 'pg';

export interface FindSessionOptions {
  pool: pg.Pool;
  digest: Buffer;
}

export interface StoredSession {
  user: StaffUser;
  lastSeenAt: Date;
  expiresAt: Date;
}

const SELECT = `
  SELECT s.last_seen_at AS "lastSeenAt", s.expires_at AS "expiresAt",
         u.id, u.email, u.name, u.role, u.disabled, u.created_at AS "createdAt", u.updated_at AS "updatedAt"
  FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id
  WHERE s.id_digest = $1`;

/** The session with this digest and its user as they are now; expiry is the caller's to judge. */
export async function findSession(options: FindSessionOptions): Promise<StoredSession | undefined> {
  const { rows } = await options.pool.query<StaffUser & { lastSeenAt: Date | string; expiresAt: Date | string }>(SELECT, [options.digest]);
  const row = rows[0];
  if (row === undefined) return undefined;
  const { lastSeenAt, expiresAt, ...user } = row;
  // The pool may hand timestamps over as text (db/pool.ts); the caller computes with them.
  return { user, lastSeenAt: new Date(lastSeenAt), expiresAt: new Date(expiresAt) };
}
