/**
 * How many requests a cluster of api instances may admit for one IP in one fixed window, derived from
 * apps/api's limiter (src/http/window-limiter.ts, src/plugins/rate-limit.ts).
 *
 * Each instance admits a request while (the last cluster total Redis told it + its own hits since) is
 * below `max`, and every `syncMs` adds its new hits to Redis and reads the total back. What an
 * instance does not know when it decides is only what the others admitted after their last sync that
 * reached Redis before its own last read-back: at most two sync periods (plus timer lateness and the
 * Redis round trip, `syncSlopMs`, per period) of the others' admissions. So the cluster admits at most
 * `max` plus that, and never more than `instances × max` (no instance admits more than `max` on its own).
 */
export interface AdmittedBoundInput {
  max: number;
  instances: number;
  syncMs: number;
  syncSlopMs: number;
  /**
   * How the load arrives: in rounds, each at most `perInstancePerRound` requests to every instance,
   * a round starting only `pauseMs` after the previous one was fully answered.
   */
  perInstancePerRound: number;
  pauseMs: number;
}

export interface AdmittedBound {
  /** The limit plus the sync slack: what the test asserts. */
  bound: number;
  slack: number;
  /** What instances that never shared their counts would admit. */
  unshared: number;
}

export function admittedBound(input: AdmittedBoundInput): AdmittedBound {
  const staleMs = 2 * (input.syncMs + input.syncSlopMs);
  // Admissions of one instance in consecutive rounds are at least pauseMs apart.
  const roundsWhileStale = Math.floor(staleMs / input.pauseMs) + 1;
  const slack = (input.instances - 1) * input.perInstancePerRound * roundsWhileStale;
  const unshared = input.instances * input.max;
  return { bound: Math.min(input.max + slack, unshared), slack, unshared };
}
