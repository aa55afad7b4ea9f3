import type { Actor, ApiKey, ApiKeyCreated, ApiKeyScope } from '@livecart/schemas';
import type pg from 'pg';
import { digestOf, newSecret } from '../../auth/credential-secret.js';
import { recordChanges } from '../../db/record-changes.js';
import { API_KEY_COLUMNS } from '../../db/staff-sql.js';
import { withTransaction } from '../../db/transaction.js';
import { fieldChanges } from '../../domain/field-changes.js';

export interface CreateApiKeyOptions {
  pool: pg.Pool;
  name: string;
  scopes: readonly ApiKeyScope[];
  createdBy: string | null;
  actor: Actor;
}

/** Every key starts with this, so that a leaked one is easy to recognise (secret scanners, logs). */
export const API_KEY_PREFIX = 'lck_';
const SHOWN_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;

const INSERT = `INSERT INTO api_keys (name, key_digest, prefix, scopes, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${API_KEY_COLUMNS}`;

/** What the audit log keeps of a key: never the key or its digest (the prefix only tells keys apart). */
export const API_KEY_AUDIT_FIELDS = ['name', 'scopes', 'prefix', 'revokedAt'] as const;

/** A new key; the secret is in the answer and nowhere else. */
export async function createApiKey(options: CreateApiKeyOptions): Promise<ApiKeyCreated> {
  const key = `${API_KEY_PREFIX}${newSecret()}`;
  const scopes = [...new Set(options.scopes)];
  const created = await withTransaction(options.pool, async (client) => {
    const { rows } = await client.query<ApiKey>(INSERT, [options.name.trim(), digestOf(key), key.slice(0, SHOWN_PREFIX_LENGTH), scopes, options.createdBy]);
    const apiKey = rows[0] as ApiKey;
    await recordChanges(client, options.actor, [
      { action: 'api_key.created', subject: { type: 'api_key', id: apiKey.id }, change: fieldChanges(null, apiKey, API_KEY_AUDIT_FIELDS) },
    ]);
    return apiKey;
  });
  return { ...created, key };
}
