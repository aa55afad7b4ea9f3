import type { Actor } from '@livecart/schemas';
import type pg from 'pg';
import { recordChanges } from '../../db/record-changes.js';
import { withTransaction } from '../../db/transaction.js';

export interface EndUserSessionsOptions {
  pool: pg.Pool;
  userId: string;
  actor: Actor;
}

/** "Sign out everywhere": every session of the user, this one included. */
export async function endUserSessions(options: EndUserSessionsOptions): Promise<number> {
  return withTransaction(options.pool, async (client) => {
    const { rowCount } = await client.query('DELETE FROM staff_sessions WHERE user_id = $1', [options.userId]);
    const ended = rowCount ?? 0;
    await recordChanges(client, options.actor, [
      { action: 'staff_user.signed_out_everywhere', subject: { type: 'staff_user', id: options.userId }, change: [{ field: 'sessions', from: ended, to: 0 }] },
    ]);
    return ended;
  });
}
