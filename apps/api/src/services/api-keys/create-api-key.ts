import type { ApiKey, ApiKeyCreated, ApiKeyScope } from '@livecart/schemas';
import type pg from 'pg';
import { digestOf, newSecret } from '../../auth/credential-secret.js';
import { API_KEY_COLUMNS } from '../../db/staff-sql.js';

export interface CreateApiKeyOptions {
  pool: pg.Pool;
  name: string;
  scopes: readonly ApiKeyScope[];
  createdBy: string | null;
}

/** Every key starts with this, so that a leaked one is easy to recognise (secret scanners, logs). */
export const API_KEY_PREFIX = 'lck_';
const SHOWN_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;

const INSERT = `INSERT INTO api_keys (name, key_digest, prefix, scopes, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${API_KEY_COLUMNS}`;

/** A new key; the secret is in the answer and nowhere else. */
export async function createApiKey(options: CreateApiKeyOptions): Promise<ApiKeyCreated> {
  const key = `${API_KEY_PREFIX}${newSecret()}`;
  const scopes = [...new Set(options.scopes)];
  const { rows } = await options.pool.query<ApiKey>(INSERT, [options.name.trim(), digestOf(key), key.slice(0, SHOWN_PREFIX_LENGTH), scopes, options.createdBy]);
  return { ...(rows[0] as ApiKey), key };
}
