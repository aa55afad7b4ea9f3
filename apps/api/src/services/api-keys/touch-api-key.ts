import type pg from 'pg';

export interface TouchApiKeyOptions {
  pool: pg.Pool;
  id: string;
  at: Date;
}

/** Records a use; called at most once a minute per key and instance, never per request. */
export async function touchApiKey(options: TouchApiKeyOptions): Promise<void> {
  await options.pool.query('UPDATE api_keys SET last_used_at = greatest(coalesce(last_used_at, $2), $2) WHERE id = $1', [options.id, options.at]);
}
