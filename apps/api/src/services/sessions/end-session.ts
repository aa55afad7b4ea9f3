import type pg from 'pg';

export interface EndSessionOptions {
  pool: pg.Pool;
  digest: Buffer;
}

export async function endSession(options: EndSessionOptions): Promise<void> {
  await options.pool.query('DELETE FROM staff_sessions WHERE id_digest = $1', [options.digest]);
}
