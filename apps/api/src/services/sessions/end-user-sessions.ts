import type pg from 'pg';

export interface EndUserSessionsOptions {
  pool: pg.Pool;
  userId: string;
}

/** "Sign out everywhere": every session of the user, this one included. */
export async function endUserSessions(options: EndUserSessionsOptions): Promise<number> {
  const { rowCount } = await options.pool.query('DELETE FROM staff_sessions WHERE user_id = $1', [options.userId]);
  return rowCount ?? 0;
}
