import type pg from 'pg';

/**
 * The relay's lease on one event history (its outbox_sequence row): held by one instance at a time,
 * renewed while it is alive, taken by another once it lapses. Each takeover raises the generation, the
 * fencing token every write of the holder carries: Postgres and the Redis stream refuse a lower one.
 */
export interface RelayLease {
  readonly holder: string;
  /** Changes only when raiseLease moves it past a generation the stream saw (a database that went back). */
  generation: number;
}

/**
 * The tables that hold a lease in this shape (one row: lease_holder, lease_generation, lease_expires_at):
 * the relay's, on its event history, and the webhook delivery worker's.
 */
export type LeaseTable = 'outbox_sequence' | 'webhook_worker_lease';

// clock_timestamp, not now(): one clock (the database's) decides every lapse, whatever the instances' clocks say.
const TAKE = (table: LeaseTable) => `
  UPDATE ${table}
  SET lease_holder = $1, lease_generation = lease_generation + 1,
      lease_expires_at = clock_timestamp() + make_interval(secs => $2::float8 / 1000)
  WHERE lease_expires_at IS NULL OR lease_expires_at <= clock_timestamp()
  RETURNING lease_generation::float8 AS generation`;

const RENEW = (table: LeaseTable) => `
  UPDATE ${table} SET lease_expires_at = clock_timestamp() + make_interval(secs => $3::float8 / 1000)
  WHERE lease_holder = $1 AND lease_generation = $2 AND lease_expires_at > clock_timestamp()`;

const RAISE = `
  UPDATE outbox_sequence SET lease_generation = $3
  WHERE lease_holder = $1 AND lease_generation = $2 AND lease_expires_at > clock_timestamp()`;

const RELEASE = (table: LeaseTable) => `UPDATE ${table} SET lease_expires_at = NULL WHERE lease_holder = $1 AND lease_generation = $2`;

/** Takes the lease if nobody holds it or its holder let it lapse; undefined while another one holds it. */
export async function takeLease(client: pg.ClientBase, holder: string, leaseMs: number, table: LeaseTable = 'outbox_sequence'): Promise<RelayLease | undefined> {
  const { rows } = await client.query<{ generation: number }>(TAKE(table), [holder, leaseMs]);
  const row = rows[0];
  return row === undefined ? undefined : { holder, generation: row.generation };
}

/** Extends the lease by `leaseMs` from now; false when it lapsed or was taken over (the holder must stop). */
export async function renewLease(client: pg.ClientBase, lease: RelayLease, leaseMs: number, table: LeaseTable = 'outbox_sequence'): Promise<boolean> {
  const { rowCount } = await client.query(RENEW(table), [lease.holder, lease.generation, leaseMs]);
  return rowCount === 1;
}

/** Moves a lease that is still this holder's to `generation`; false when it lapsed or was taken over. */
export async function raiseLease(client: pg.ClientBase, lease: RelayLease, generation: number): Promise<boolean> {
  const { rowCount } = await client.query(RAISE, [lease.holder, lease.generation, generation]);
  return rowCount === 1;
}

/** Ends the lease now, so a standby takes over at its next try instead of after the lapse. */
export async function releaseLease(client: pg.ClientBase, lease: RelayLease, table: LeaseTable = 'outbox_sequence'): Promise<void> {
  await client.query(RELEASE(table), [lease.holder, lease.generation]);
}

/** Thrown where the database or the stream refused a write because a newer generation holds the lease. */
export class LeaseLostError extends Error {
  constructor(where: string) {
    super(`relay lease lost: ${where} refused this generation`);
    this.name = 'LeaseLostError';
  }
}
