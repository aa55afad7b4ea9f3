import type { Customer } from '@livecart/schemas';
import { LRUCache } from 'lru-cache';
import type { Queryable } from '../db/pool.js';
import type { Log } from '../log.js';
import { endShopperSession } from '../services/shoppers/end-shopper-session.js';
import { findShopperSession } from '../services/shoppers/find-shopper-session.js';
import { touchShopperSession } from '../services/shoppers/touch-shopper-session.js';
import { digestOf } from './credential-secret.js';
import type { RevocationTarget } from './revocation-listener.js';
import type { Revocation } from './revocations.js';
import type { Shopper } from './shopper.js';

/** A session's last-seen time is written at most this often per session and instance. */
const TOUCH_INTERVAL_MS = 60_000;
const MAX_CACHED = 100_000;

export interface ShopperSessionResolverOptions {
  db: Queryable;
  log: Log;
  /** How long a checked session is trusted without Postgres; 0 checks every request. */
  cacheTtlMs: number;
  idleTimeoutMs: number;
  now: () => number;
}

interface Entry {
  id: string;
  customer: Customer | null;
  lastSeenAt: number;
  expiresAt: number;
}

/**
 * Turns a shopper session secret into its live session. A warm session is answered from memory (a crowd
 * of shoppers in a sale must not cost a query per click before anything else), under the same rules as
 * staff credentials (CredentialResolver): trusted for AUTH_CACHE_TTL_MS at most, only while revocations
 * are heard, and every ending of a session (sign-out, sign-in's rotation) revoked on every instance.
 * Whether a session went idle is always Postgres's verdict, as another instance may have seen it since.
 */
export class ShopperSessionResolver implements RevocationTarget {
  private readonly sessions: LRUCache<string, Entry>;
  private enabled = false;

  constructor(private readonly options: ShopperSessionResolverOptions) {
    this.sessions = new LRUCache({ max: MAX_CACHED, ttl: Math.max(1, options.cacheTtlMs), perf: { now: options.now } });
  }

  setCacheEnabled(enabled: boolean): void {
    this.enabled = enabled && this.options.cacheTtlMs > 0;
    if (!this.enabled) this.sessions.clear();
  }

  apply(revocation: Revocation): void {
    if (revocation.kind === 'session') this.sessions.delete(revocation.digest);
  }

  /** The live session of a secret, if any; an expired or idle one is ended on the way. */
  async resolve(secret: string): Promise<Shopper | undefined> {
    const digest = digestOf(secret);
    const key = digest.toString('hex');
    const { idleTimeoutMs } = this.options;
    const at = this.options.now();
    let entry = this.enabled ? this.sessions.get(key) : undefined;
    if (entry === undefined || at - entry.lastSeenAt > idleTimeoutMs) entry = await this.load(digest, key);
    if (entry === undefined) return undefined;
    if (at >= entry.expiresAt || at - entry.lastSeenAt > idleTimeoutMs) {
      this.sessions.delete(key);
      await endShopperSession(this.options.db, digest);
      return undefined;
    }
    if (at - entry.lastSeenAt >= Math.min(TOUCH_INTERVAL_MS, idleTimeoutMs / 4)) {
      entry.lastSeenAt = at;
      await touchShopperSession(this.options.db, entry.id, new Date(at));
    }
    return {
      id: entry.id,
      digest,
      customer: entry.customer,
      idleExpiresAt: new Date(Math.min(entry.lastSeenAt + idleTimeoutMs, entry.expiresAt)),
      expiresAt: new Date(entry.expiresAt),
    };
  }

  /** A session this instance just started: its next request needs no query either. */
  remember(shopper: Shopper, lastSeenAt: number): void {
    if (!this.enabled) return;
    this.sessions.set(shopper.digest.toString('hex'), { id: shopper.id, customer: shopper.customer, lastSeenAt, expiresAt: shopper.expiresAt.getTime() });
  }

  private async load(digest: Buffer, key: string): Promise<Entry | undefined> {
    const stored = await findShopperSession(this.options.db, digest);
    if (stored === undefined) {
      this.sessions.delete(key);
      return undefined;
    }
    const entry: Entry = { id: stored.id, customer: stored.customer, lastSeenAt: stored.lastSeenAt.getTime(), expiresAt: stored.expiresAt.getTime() };
    if (this.enabled) this.sessions.set(key, entry);
    return entry;
  }
}
