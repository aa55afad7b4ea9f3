import type { RealtimeErrorCode } from '@livecart/schemas';

export type KickReason = 'heartbeat' | 'rate_limited' | 'protocol' | 'slow_replay';
export type ReplayResult = 'replayed' | 'reset' | 'failed';
export type RefusedUpgradeReason = 'origin' | 'capacity' | 'shutting_down' | 'not_ready' | 'not_found' | 'bad_delivery';

/** Plain counters of client-facing outcomes; /metrics reads them when scraped, so no hot path calls out. */
export class ClientStats {
  readonly clientErrors = new Map<RealtimeErrorCode, number>();
  readonly kicks = new Map<KickReason, number>();
  readonly replays = new Map<ReplayResult, number>();
  readonly refusedUpgrades = new Map<RefusedUpgradeReason, number>();
  replayedEvents = 0;
  clientMessages = 0;

  count<Key>(map: Map<Key, number>, key: Key, by = 1): void {
    map.set(key, (map.get(key) ?? 0) + by);
  }
}
