import { setTimeout as delay } from 'node:timers/promises';
import type { HttpResult } from '../launch/http.js';

export interface RoundSend {
  instance: number;
  result: HttpResult;
}

export interface LockstepOptions {
  rounds: number;
  instances: number;
  /** Requests sent at once to each instance per round. */
  perInstance: number;
  /** Wait after a round is fully answered, before the next one starts. */
  pauseMs: number;
  send: (instance: number) => Promise<HttpResult>;
}

/**
 * Load in rounds: each round sends `perInstance` requests to every instance at once and waits for all
 * answers, then pauses. An instance that stalls stalls the rounds too, so the admissions any one
 * instance makes per unit of time stay bounded however slow the machine is.
 */
export async function runLockstepRounds(options: LockstepOptions): Promise<RoundSend[][]> {
  const rounds: RoundSend[][] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    const sends = Array.from({ length: options.instances * options.perInstance }, async (_, i): Promise<RoundSend> => {
      const instance = i % options.instances;
      return { instance, result: await options.send(instance) };
    });
    rounds.push(await Promise.all(sends));
    await delay(options.pauseMs);
  }
  return rounds;
}
