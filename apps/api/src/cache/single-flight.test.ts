import { describe, expect, it } from 'vitest';
import { SingleFlight } from './single-flight.js';

const deferred = <T>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};

describe('SingleFlight', () => {
  it('runs one load for concurrent callers of a key', async () => {
    const flights = new SingleFlight<string, number>();
    const gate = deferred<number>();
    let calls = 0;
    const load = () => {
      calls++;
      return gate.promise;
    };
    const results = Promise.all([flights.run('a', load), flights.run('a', load), flights.run('a', load)]);
    await Promise.resolve();
    gate.resolve(7);
    expect(await results).toEqual([7, 7, 7]);
    expect(calls).toBe(1);
    expect(flights.size).toBe(0);
  });

  it('starts a new load after the previous one settled, or failed', async () => {
    const flights = new SingleFlight<string, number>();
    await expect(flights.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await flights.run('a', async () => 2)).toBe(2);
  });

  it('after forget, new callers get a fresh load and the old one learns it is no longer current', async () => {
    const flights = new SingleFlight<string, string>();
    const old = deferred<string>();
    let oldWasCurrent: boolean | undefined;
    const first = flights.run('a', async (isCurrent) => {
      const value = await old.promise;
      oldWasCurrent = isCurrent();
      return value;
    });
    await Promise.resolve();
    flights.forget('a');
    const second = flights.run('a', async () => 'fresh');
    old.resolve('stale');
    expect(await first).toBe('stale');
    expect(await second).toBe('fresh');
    expect(oldWasCurrent).toBe(false);
  });
});
