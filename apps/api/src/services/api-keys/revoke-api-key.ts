import type { ApiKey } from '@livecart/schemas';
import type pg from 'pg';
import { API_KEY_COLUMNS } from '../../db/staff-sql.js';
import { NotFoundError } from '../../domain/errors.js';

export interface RevokeApiKeyOptions {
  pool: pg.Pool;
  id: string;
}

const REVOKE = `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${API_KEY_COLUMNS}`;

/** Revoking twice keeps the first time. */
export async function revokeApiKey(options: RevokeApiKeyOptions): Promise<ApiKey> {
  const { rows } = await options.pool.query<ApiKey>(REVOKE, [options.id]);
  if (rows[0] === undefined) throw new NotFoundError(`no API key ${options.id}`);
  return rows[0];
}
