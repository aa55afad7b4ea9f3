/**
 * How long to wait before the next attempt at a message that failed `attempts` times: exponential from
 * `baseMs` (doubling each time) up to `maxMs`, with "equal jitter" (a random half of it), so endpoints
 * that failed together do not all retry in the same instant.
 */
export interface RetrySchedule {
  baseMs: number;
  maxMs: number;
}

export function retryDelayMs(schedule: RetrySchedule, attempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(schedule.maxMs, schedule.baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 40));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
