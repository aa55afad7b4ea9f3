import type pg from 'pg';
import { digestOf, newSecret } from '../../auth/credential-secret.js';

export interface CreateSessionOptions {
  pool: pg.Pool;
  userId: string;
  now: Date;
  absoluteTimeoutS: number;
}

export interface CreatedSession {
  /** Goes into the cookie; only its digest is stored. */
  id: string;
  expiresAt: Date;
}

const INSERT = 'INSERT INTO staff_sessions (id_digest, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)';

/** A new session: a login always gets a new id, never one the browser brought along. */
export async function createSession(options: CreateSessionOptions): Promise<CreatedSession> {
  const id = newSecret();
  const expiresAt = new Date(options.now.getTime() + options.absoluteTimeoutS * 1_000);
  await options.pool.query(INSERT, [digestOf(id), options.userId, options.now, expiresAt]);
  return { id, expiresAt };
}
