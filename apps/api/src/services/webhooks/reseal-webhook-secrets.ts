import type pg from 'pg';
import type { SecretSealer } from '../../webhooks/secret-sealer.js';

export interface ResealOutcome {
  /** Endpoints whose secrets were sealed anew under the ring's first key. */
  resealed: number;
  /** Endpoints whose secrets no key of the ring opens (their deliveries fail until rotated). */
  unreadable: string[];
}

const READ = 'SELECT id, secret, previous_secret AS "previousSecret" FROM webhook_endpoints ORDER BY id';

// Only if nobody changed the secrets meanwhile (a rotation, another instance re-sealing the same row).
const RESEAL = `
  UPDATE webhook_endpoints SET secret = $2, previous_secret = $3
  WHERE id = $1 AND secret = $4 AND previous_secret IS NOT DISTINCT FROM $5`;

/**
 * Seals every endpoint's secrets under the ring's first key: those stored in clear before sealing existed,
 * and those sealed by an older key after WEBHOOK_SECRET_KEYS gained a new first one. Every api runs it when
 * it starts; it changes nothing a caller sees (not even `updatedAt`), and running it twice is harmless.
 */
export async function resealWebhookSecrets(options: { pool: pg.Pool; sealer: SecretSealer }): Promise<ResealOutcome> {
  const { pool, sealer } = options;
  const { rows } = await pool.query<{ id: string; secret: string; previousSecret: string | null }>(READ);
  const outcome: ResealOutcome = { resealed: 0, unreadable: [] };
  for (const row of rows) {
    if (sealer.isCurrent(row.secret) && (row.previousSecret === null || sealer.isCurrent(row.previousSecret))) continue;
    let sealed;
    try {
      sealed = {
        secret: sealer.seal(sealer.open(row.secret, row.id), row.id),
        previous: row.previousSecret === null ? null : sealer.seal(sealer.open(row.previousSecret, row.id), row.id),
      };
    } catch {
      outcome.unreadable.push(row.id);
      continue;
    }
    const { rowCount } = await pool.query(RESEAL, [row.id, sealed.secret, sealed.previous, row.secret, row.previousSecret]);
    outcome.resealed += rowCount ?? 0;
  }
  return outcome;
}
