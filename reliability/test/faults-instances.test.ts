import { setTimeout as delay } from 'node:timers/promises';
import { skipWithoutBuilds, waitUntil } from '@livecart/local-services/testing';
import { describe, expect, it } from 'vitest';
import { describeRun, faultRow } from '../src/checker/fault-report.js';
import { runFault } from '../src/checker/fault-run.js';
import { findViolations } from '../src/checker/run-violations.js';
import type { StoreClient } from '../src/checker/store-client.js';
import { useFaultStack } from './support/fault-suite.js';

/**
 * App instances killed with SIGKILL under load (no drain, no goodbye): a realtime instance, whose
 * clients must resume elsewhere with no gap, and the api instance holding the outbox relay lock,
 * whose role another instance must take over within 5 s.
 */

const skip = skipWithoutBuilds('faults-instances', ['api', 'realtime']);

/** The promise for a relay holder that dies. */
const RELAY_TAKEOVER_MS = 5_000;
/** Load kept running after the kill, so the survivors carry on under it. */
const AFTER_KILL_MS = 3_000;

describe.skipIf(skip)('faults: instances killed under load', () => {
  const suite = useFaultStack();

  it('realtime instance killed: its clients reconnect to the other one and resume with no gap', async () => {
    let victims: StoreClient[] = [];
    const result = await runFault(suite.stack, async (fault) => {
      victims = fault.fleet.clients.filter((client) => client.instance === 'realtime-1');
      await suite.stack.apps.stop('realtime-1', 'SIGKILL');
      fault.lifted();
      await waitUntil(() => victims.every((client) => client.connected), { what: 'every client of realtime-1 to reconnect', timeoutMs: 30_000, intervalMs: 25 });
      fault.note(`${victims.length} clients moved from realtime-1 to realtime-2`);
      await delay(AFTER_KILL_MS);
    });
    suite.rows.push(faultRow('realtime-kill', 'Realtime instance SIGKILL', result));

    expect(findViolations(result), describeRun(result)).toEqual([]);
    expect(victims.length).toBeGreaterThan(100);
    expect(new Set(victims.map((client) => client.instance))).toEqual(new Set(['realtime-2']));
    // Resumed from the Redis Stream with `since`: nothing needed a reset to be recovered.
    expect(result.fleet.clientsReset).toBe(0);
    expect(result.deliveries.coveredByReset).toBe(0);
  });

  it('api instance holding the relay lock killed: another one takes over within 5 s, no event lost', async () => {
    let takeoverMs = Number.POSITIVE_INFINITY;
    const result = await runFault(
      suite.stack,
      async (fault) => {
        let leader: string | undefined;
        await waitUntil(async () => (leader = await suite.stack.relayLeader()) !== undefined, { what: 'an api instance to report outbox_relay_leader 1', timeoutMs: 10_000, intervalMs: 100 });
        if (leader === undefined) return;
        const survivor = suite.stack.apps.names('api').find((name) => name !== leader)!;
        await suite.stack.apps.stop(leader, 'SIGKILL');
        const killedAt = Date.now();
        fault.lifted();
        await waitUntil(async () => (await suite.stack.relayLeader()) === survivor, { what: `${survivor} to report outbox_relay_leader 1`, timeoutMs: 30_000, intervalMs: 50 });
        takeoverMs = Date.now() - killedAt;
        fault.note(`relay moved from ${leader} to ${survivor} in ${takeoverMs} ms`);
        await delay(AFTER_KILL_MS);
      },
    );
    suite.rows.push(faultRow('relay-holder-kill', 'API relay-lock holder SIGKILL', result));

    // Requests in flight on the killed instance get a 502 from the balancer; the writer retries them.
    expect(findViolations(result, { allowBalancer502: true }), describeRun(result)).toEqual([]);
    expect(takeoverMs, describeRun(result)).toBeLessThanOrEqual(RELAY_TAKEOVER_MS);
  });
});
