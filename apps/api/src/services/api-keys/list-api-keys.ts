import type { ApiKey } from '@livecart/schemas';
import type pg from 'pg';
import { API_KEY_COLUMNS } from '../../db/staff-sql.js';

export interface ListApiKeysOptions {
  pool: pg.Pool;
}

/** Every key, revoked ones included (they say when they stopped working), newest first. */
export async function listApiKeys(options: ListApiKeysOptions): Promise<ApiKey[]> {
  const { rows } = await options.pool.query<ApiKey>(`SELECT ${API_KEY_COLUMNS} FROM api_keys ORDER BY created_at DESC, id`);
  return rows;
}
