import type { ApiKeyActor } from '@livecart/schemas';
import type pg from 'pg';
import { createApiKey } from '../services/api-keys/create-api-key.js';

export const DEMO_KEY_NAME = 'demo traffic';

const FIND = `SELECT id FROM api_keys WHERE name = $1 AND created_by IS NULL AND revoked_at IS NULL ORDER BY created_at LIMIT 1`;
const REVOKED = 'SELECT revoked_at IS NOT NULL AS revoked FROM api_keys WHERE id = $1';

/**
 * The API key demo traffic writes as: made once per development database, at startup, with the scopes
 * its writes need. Its secret is never shown (the demo writes in-process, through the services); the key
 * names the demo in the audit log and the live feed, and an admin revoking it stops the demo.
 */
export async function ensureDemoKey(pool: pg.Pool): Promise<ApiKeyActor> {
  const { rows } = await pool.query<{ id: string }>(FIND, [DEMO_KEY_NAME]);
  const id =
    rows[0]?.id ??
    (
      await createApiKey({
        pool,
        name: DEMO_KEY_NAME,
        scopes: ['catalog:write', 'orders:write'],
        createdBy: null,
        actor: { type: 'system', id: null, name: 'pnpm dev' },
      })
    ).id;
  return { type: 'api_key', id, name: DEMO_KEY_NAME };
}

/** Whether an admin has revoked the key since (the demo checks before each tick). */
export async function isKeyRevoked(pool: pg.Pool, id: string): Promise<boolean> {
  const { rows } = await pool.query<{ revoked: boolean }>(REVOKED, [id]);
  return rows[0]?.revoked !== false;
}
