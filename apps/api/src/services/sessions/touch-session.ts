import type pg from 'pg';

export interface TouchSessionOptions {
  pool: pg.Pool;
  digest: Buffer;
  at: Date;
}

/** Moves the idle deadline; called at most once a minute per session and instance, never per request. */
export async function touchSession(options: TouchSessionOptions): Promise<void> {
  await options.pool.query('UPDATE staff_sessions SET last_seen_at = greatest(last_seen_at, $2) WHERE id_digest = $1', [options.digest, options.at]);
}
