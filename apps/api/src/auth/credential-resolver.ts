import type { StaffUser } from '@livecart/schemas';
import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import type { Log } from '../log.js';
import { findApiKey, type ActiveApiKey } from '../services/api-keys/find-api-key.js';
import { touchApiKey } from '../services/api-keys/touch-api-key.js';
import { endSession } from '../services/sessions/end-session.js';
import { findSession } from '../services/sessions/find-session.js';
import { touchSession } from '../services/sessions/touch-session.js';
import type { Principal } from './access.js';
import { digestOf } from './credential-secret.js';
import type { Revocation } from './revocations.js';

/** Last-seen and last-used times are written at most this often per credential and instance. */
const TOUCH_INTERVAL_MS = 60_000;
const MAX_CACHED = 10_000;

export interface CredentialResolverOptions {
  pool: pg.Pool;
  log: Log;
  /** How long a checked credential is trusted without Postgres; 0 checks every request. */
  cacheTtlMs: number;
  idleTimeoutMs: number;
  now: () => number;
}

export interface ResolvedSession {
  principal: Principal & { type: 'user' };
  user: StaffUser;
  idleExpiresAt: Date;
  expiresAt: Date;
}

interface SessionEntry {
  user: StaffUser;
  lastSeenAt: number;
  expiresAt: number;
}

interface KeyEntry {
  key: ActiveApiKey;
  touchedAt: number;
}

/**
 * Turns a session id or an API key into who stands behind it. A warm credential is answered from memory;
 * every revocation (logout, a disabled user, a role change, a revoked key) is applied here at once, on
 * this instance by the caller and on the others through Redis, so it holds from the next request. While
 * revocations cannot be heard (the subscription is down) nothing is cached and Postgres answers.
 */
export class CredentialResolver {
  private readonly sessions: LRUCache<string, SessionEntry>;
  private readonly keys: LRUCache<string, KeyEntry>;
  private enabled = false;

  constructor(private readonly options: CredentialResolverOptions) {
    const ttl = Math.max(1, options.cacheTtlMs);
    this.sessions = new LRUCache({ max: MAX_CACHED, ttl, perf: { now: options.now } });
    this.keys = new LRUCache({ max: MAX_CACHED, ttl, perf: { now: options.now } });
  }

  /** Whether answers may come from memory: only while revocations are heard. */
  setCacheEnabled(enabled: boolean): void {
    this.enabled = enabled && this.options.cacheTtlMs > 0;
    if (!this.enabled) {
      this.sessions.clear();
      this.keys.clear();
    }
  }

  async resolveSession(sessionId: string): Promise<ResolvedSession | undefined> {
    const digest = digestOf(sessionId);
    const cacheKey = digest.toString('hex');
    let entry = this.enabled ? this.sessions.get(cacheKey) : undefined;
    const now = this.options.now();
    // Another instance may have seen the session more recently: an idle verdict is always Postgres's.
    if (entry === undefined || now - entry.lastSeenAt > this.options.idleTimeoutMs) entry = await this.loadSession(digest, cacheKey);
    if (entry === undefined || entry.user.disabled) return undefined;
    if (now >= entry.expiresAt || now - entry.lastSeenAt > this.options.idleTimeoutMs) {
      this.sessions.delete(cacheKey);
      await endSession({ pool: this.options.pool, digest });
      return undefined;
    }
    if (now - entry.lastSeenAt >= Math.min(TOUCH_INTERVAL_MS, this.options.idleTimeoutMs / 4)) {
      entry.lastSeenAt = now;
      // Awaited (it is rare): the next idle verdict, on any instance, reads it from Postgres.
      await touchSession({ pool: this.options.pool, digest, at: new Date(now) }).catch((error: unknown) =>
        this.options.log.warn({ err: error }, 'could not record a session as seen'),
      );
    }
    const { user } = entry;
    return {
      principal: { type: 'user', id: user.id, name: user.name ?? user.email, role: user.role, sessionDigest: digest },
      user,
      idleExpiresAt: new Date(Math.min(entry.lastSeenAt + this.options.idleTimeoutMs, entry.expiresAt)),
      expiresAt: new Date(entry.expiresAt),
    };
  }

  async resolveApiKey(secret: string): Promise<(Principal & { type: 'api_key' }) | undefined> {
    const digest = digestOf(secret);
    const cacheKey = digest.toString('hex');
    let entry = this.enabled ? this.keys.get(cacheKey) : undefined;
    if (entry === undefined) {
      const key = await findApiKey({ pool: this.options.pool, digest });
      if (key === undefined) return undefined;
      entry = { key, touchedAt: 0 };
      if (this.enabled) this.keys.set(cacheKey, entry);
    }
    const now = this.options.now();
    if (now - entry.touchedAt >= TOUCH_INTERVAL_MS) {
      entry.touchedAt = now;
      touchApiKey({ pool: this.options.pool, id: entry.key.id, at: new Date(now) }).catch((error: unknown) =>
        this.options.log.warn({ err: error }, 'could not record an API key as used'),
      );
    }
    return { type: 'api_key', id: entry.key.id, name: entry.key.name, scopes: entry.key.scopes };
  }

  /** Forgets what a revocation made stale, so that the next request asks Postgres. */
  apply(revocation: Revocation): void {
    if (revocation.kind === 'session') {
      this.sessions.delete(revocation.digest);
    } else if (revocation.kind === 'user') {
      for (const [key, entry] of this.sessions.entries()) if (entry.user.id === revocation.userId) this.sessions.delete(key);
    } else {
      for (const [key, entry] of this.keys.entries()) if (entry.key.id === revocation.keyId) this.keys.delete(key);
    }
  }

  private async loadSession(digest: Buffer, cacheKey: string): Promise<SessionEntry | undefined> {
    const stored = await findSession({ pool: this.options.pool, digest });
    if (stored === undefined) {
      this.sessions.delete(cacheKey);
      return undefined;
    }
    const entry: SessionEntry = { user: stored.user, lastSeenAt: stored.lastSeenAt.getTime(), expiresAt: stored.expiresAt.getTime() };
    if (this.enabled) this.sessions.set(cacheKey, entry);
    return entry;
  }
}
