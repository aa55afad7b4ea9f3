import type { Actor, ApiKey } from '@livecart/schemas';
import type pg from 'pg';
import { recordChanges } from '../../db/record-changes.js';
import { API_KEY_COLUMNS } from '../../db/staff-sql.js';
import { withTransaction } from '../../db/transaction.js';
import { NotFoundError } from '../../domain/errors.js';
import { fieldChanges } from '../../domain/field-changes.js';
import { API_KEY_AUDIT_FIELDS } from './create-api-key.js';

export interface RevokeApiKeyOptions {
  pool: pg.Pool;
  id: string;
  actor: Actor;
}

const LOCK = `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE id = $1 FOR UPDATE`;
const REVOKE = `UPDATE api_keys SET revoked_at = now() WHERE id = $1 RETURNING ${API_KEY_COLUMNS}`;

/** Revoking twice keeps the first time (and records nothing the second time: nothing changed). */
export async function revokeApiKey(options: RevokeApiKeyOptions): Promise<ApiKey> {
  return withTransaction(options.pool, async (client) => {
    const { rows: found } = await client.query<ApiKey>(LOCK, [options.id]);
    const before = found[0];
    if (before === undefined) throw new NotFoundError(`no API key ${options.id}`);
    if (before.revokedAt !== null) return before;
    const { rows } = await client.query<ApiKey>(REVOKE, [options.id]);
    const key = rows[0] as ApiKey;
    await recordChanges(client, options.actor, [
      { action: 'api_key.revoked', subject: { type: 'api_key', id: key.id }, change: fieldChanges(before, key, API_KEY_AUDIT_FIELDS) },
    ]);
    return key;
  });
}
