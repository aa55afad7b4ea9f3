import type { ApiKeyScope } from '@livecart/schemas';
import type pg from 'pg';

export interface FindApiKeyOptions {
  pool: pg.Pool;
  digest: Buffer;
}

export interface ActiveApiKey {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
}

const SELECT = 'SELECT id, name, scopes FROM api_keys WHERE key_digest = $1 AND revoked_at IS NULL';

/** The unrevoked key with this digest. */
export async function findApiKey(options: FindApiKeyOptions): Promise<ActiveApiKey | undefined> {
  const { rows } = await options.pool.query<ActiveApiKey>(SELECT, [options.digest]);
  return rows[0];
}
