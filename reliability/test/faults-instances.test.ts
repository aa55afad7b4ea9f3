import { setTimeout as delay } from 'node:timers/promises';
import { skipWithoutBuilds, waitUntil } from '@livecart/local-services/testing';
import { SUBPROTOCOL_JSON } from '@livecart/schemas';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { describeRun, faultRow } from '../src/checker/fault-report.js';
import { DEFAULT_RUN_SIZE, runFault, WITH_CHECKOUTS } from '../src/checker/fault-run.js';
import { findViolations } from '../src/checker/run-violations.js';
import type { StoreClient } from '../src/checker/store-client.js';
import { useFaultStack } from './support/fault-suite.js';

/**
 * App instances killed with SIGKILL under load (no drain, no goodbye): a realtime instance, whose
 * clients must resume elsewhere with no gap, and the api instance holding the outbox relay lease,
 * whose role another instance must take over within 5 s. And instances frozen with SIGSTOP, which keep
 * their connections open and say nothing: a realtime instance, whose clients must notice the silence and
 * leave it, and the relay's lease holder, which another instance must replace once its lease lapses and
 * which, woken, must step down without publishing.
 */

/** Read from one instance's /metrics (undefined if it does not answer or lacks the metric). */
async function metric(url: string, name: string): Promise<number | undefined> {
  // The signal also covers reading the body: a slow answer is no answer.
  const text = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })
    .then((response) => response.text())
    .catch(() => '');
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match === null ? undefined : Number(match[1]);
}

const skip = skipWithoutBuilds('faults-instances', ['api', 'realtime']);

/** The promise for a relay holder that dies or freezes. */
const RELAY_TAKEOVER_MS = 5_000;
/** The api's default OUTBOX_LEASE_MS (the fault stack keeps it): a frozen holder is replaced after it. */
const LEASE_MS = 3_000;
/** A woken lease holder sees at its first timer that its renewal is overdue and steps down; slack for a shared VM. */
const STEP_DOWN_WITHIN_MS = 2_000;
/** Load kept running after the kill, so the survivors carry on under it. */
const AFTER_KILL_MS = 3_000;
/** How long the realtime instance stays frozen: far longer than the clients' silence window. */
const FREEZE_MS = 30_000;
/** How long the relay's lease holder stays frozen: five leases, and long enough to pile up requests. */
const API_FREEZE_MS = 15_000;
/** The store clients' silence window (as the storefront's live store), plus slack for a shared VM. */
const LEAVE_WITHIN_MS = 10_000 + 1_500;
/**
 * Then back on the live instance: the backoff, at worst one handshake that meets the frozen instance (the
 * balancer gives up on it after 2 s) and one more abandoned by the client (5 s without a welcome, while
 * the live instance replays for 250 clients at once), and slack.
 */
const MOVE_WITHIN_MS = LEAVE_WITHIN_MS + 2_000 + 5_000 + 1_000 + 2_500;

/** Opens a socket through the balancer and says which instance welcomed it, and how fast. */
async function handshake(wsUrl: string, origin: string): Promise<{ instance: string; ms: number }> {
  const startedAt = Date.now();
  const socket = new WebSocket(wsUrl, [SUBPROTOCOL_JSON], { origin, handshakeTimeout: 10_000 });
  try {
    const instance = await new Promise<string>((resolve, reject) => {
      socket.once('message', (data) => resolve(String((JSON.parse(String(data)) as { instanceId?: string }).instanceId)));
      socket.once('error', reject);
    });
    return { instance, ms: Date.now() - startedAt };
  } finally {
    socket.terminate();
  }
}

/** Where the clients of a frozen instance stand, for a failure's message. */
function describeVictims(victims: StoreClient[]): string {
  const waiting = victims.filter((client) => !(client.connected && client.instance === 'realtime-2'));
  const sum = (clients: StoreClient[], count: (client: StoreClient) => number) => clients.reduce((total, client) => total + count(client), 0);
  return (
    `${waiting.length} of ${victims.length} not yet on realtime-2 (${waiting.filter((client) => client.connected).length} of them connected); ` +
    `handshakes abandoned: ${sum(victims, (client) => client.handshakeTimeouts)} in all, ${sum(waiting, (client) => client.handshakeTimeouts)} by those waiting; ` +
    `welcomes since the freeze: ${sum(victims, (client) => client.instances.length - 1)}`
  );
}

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

  it('realtime instance frozen (SIGSTOP) for 30 s: its clients leave it within the silence window and miss nothing', async () => {
    let victims: StoreClient[] = [];
    let leftAfterMs = Number.POSITIVE_INFINITY;
    let movedAfterMs = Number.POSITIVE_INFINITY;
    const probes: { instance: string; ms: number }[] = [];
    const pid = suite.stack.apps.pid('realtime-1')!;
    const result = await runFault(suite.stack, async (fault) => {
      victims = fault.fleet.clients.filter((client) => client.instance === 'realtime-1');
      process.kill(pid, 'SIGSTOP');
      const frozenAt = Date.now();
      try {
        await waitUntil(() => victims.every((client) => client.silentDrops > 0), {
          what: 'every client of the frozen realtime-1 to drop its silent connection',
          timeoutMs: FREEZE_MS - 2_000,
          intervalMs: 25,
        });
        leftAfterMs = Date.now() - frozenAt;
        await waitUntil(() => victims.every((client) => client.connected && client.instance === 'realtime-2'), {
          what: 'every client of the frozen realtime-1 to reconnect to realtime-2',
          timeoutMs: FREEZE_MS - 2_000 - leftAfterMs,
          intervalMs: 25,
        }).catch((error: unknown) => {
          throw new Error(`${(error as Error).message} (${leftAfterMs} ms to leave it; ${describeVictims(victims)})`);
        });
        movedAfterMs = Date.now() - frozenAt;
        // New handshakes while it is still frozen: the balancer must hand them to the live instance.
        for (let i = 0; i < 4; i++) probes.push(await handshake(suite.stack.wsUrl, suite.stack.origin));
        await delay(Math.max(0, frozenAt + FREEZE_MS - Date.now()));
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      fault.lifted();
      const abandoned = victims.reduce((sum, client) => sum + client.handshakeTimeouts, 0);
      fault.note(
        `frozen ${FREEZE_MS / 1000} s; its ${victims.length} clients all dropped it within ${(leftAfterMs / 1000).toFixed(2)} s and were all on realtime-2 within ${(movedAfterMs / 1000).toFixed(2)} s (${abandoned} handshakes abandoned); new handshakes took ${Math.max(...probes.map((probe) => probe.ms))} ms at most`,
      );
      await delay(AFTER_KILL_MS);
    });
    suite.rows.push(faultRow('realtime-freeze', 'Realtime instance SIGSTOP 30 s', result));

    expect(findViolations(result), describeRun(result)).toEqual([]);
    expect(victims.length).toBeGreaterThan(100);
    expect(leftAfterMs, describeRun(result)).toBeLessThanOrEqual(LEAVE_WITHIN_MS);
    expect(movedAfterMs, describeRun(result)).toBeLessThanOrEqual(MOVE_WITHIN_MS);
    expect(new Set(victims.map((client) => client.instance))).toEqual(new Set(['realtime-2']));
    expect(probes.map((probe) => probe.instance)).toEqual(['realtime-2', 'realtime-2', 'realtime-2', 'realtime-2']);
    // At most the balancer's 2 s upgrade timeout on the frozen instance, plus slack.
    for (const probe of probes) expect(probe.ms).toBeLessThan(4_000);
    // Resumed from the Redis Stream with `since`: nothing needed a reset to be recovered.
    expect(result.fleet.clientsReset).toBe(0);
    expect(result.deliveries.coveredByReset).toBe(0);
  });

  it('api instance holding the relay lease killed: another one takes over within 5 s, no event lost', async () => {
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
      WITH_CHECKOUTS,
    );
    suite.rows.push(faultRow('relay-holder-kill', 'API relay-lease holder SIGKILL', result));

    // Requests in flight on the killed instance get a 502 from the balancer; the writer retries them.
    expect(findViolations(result, { allowBalancer502: true }), describeRun(result)).toEqual([]);
    expect(takeoverMs, describeRun(result)).toBeLessThanOrEqual(RELAY_TAKEOVER_MS);
  });

  it('api instance holding the relay lease frozen (SIGSTOP) for 15 s: another one publishes within the lease, the woken one steps down, no event lost', async () => {
    let takeoverMs = Number.POSITIVE_INFINITY;
    let stepDownMs = Number.POSITIVE_INFINITY;
    let frozenApi = { from: 0, to: 0 };
    const result = await runFault(suite.stack, async (fault) => {
      let leader: string | undefined;
      await waitUntil(async () => (leader = await suite.stack.relayLeader()) !== undefined, { what: 'an api instance to report outbox_relay_leader 1', timeoutMs: 10_000, intervalMs: 100 });
      if (leader === undefined) return;
      const survivor = suite.stack.apps.names('api').find((name) => name !== leader)!;
      const leaderUrl = suite.stack.apps.url(leader);
      const survivorUrl = suite.stack.apps.url(survivor);
      const pid = suite.stack.apps.pid(leader)!;
      const publishedBefore = (await metric(survivorUrl, 'outbox_published_total')) ?? 0;
      process.kill(pid, 'SIGSTOP');
      const frozenAt = Date.now();
      try {
        // Writes go on through the survivor: its first published event is the takeover.
        await waitUntil(async () => ((await metric(survivorUrl, 'outbox_published_total')) ?? 0) > publishedBefore, {
          what: `${survivor} to publish while ${leader} is frozen`,
          timeoutMs: API_FREEZE_MS - 2_000,
          intervalMs: 50,
        });
        takeoverMs = Date.now() - frozenAt;
        await delay(Math.max(0, frozenAt + API_FREEZE_MS - Date.now()));
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      const wokeAt = Date.now();
      frozenApi = { from: frozenAt, to: wokeAt };
      fault.lifted();
      // It answers /metrics only after the requests that piled up while it was frozen, so the moment it
      // stepped down is read from its own record (same machine, same clock), not from when it answered.
      await waitUntil(
        async () => (await metric(leaderUrl, 'outbox_relay_lease_losses_total')) === 1 && (await metric(leaderUrl, 'outbox_relay_leader')) === 0,
        { what: `the woken ${leader} to step down`, timeoutMs: 20_000, intervalMs: 25 },
      );
      const steppedDownAt = ((await metric(leaderUrl, 'outbox_relay_last_lease_loss_timestamp_seconds')) ?? 0) * 1000;
      // Not before the freeze: a holder that stepped down earlier would not have been the one frozen.
      expect(steppedDownAt).toBeGreaterThanOrEqual(frozenAt);
      stepDownMs = Math.max(0, steppedDownAt - wokeAt);
      fault.note(
        `${leader} frozen ${API_FREEZE_MS / 1000} s; ${survivor} published ${(takeoverMs / 1000).toFixed(2)} s after the freeze (lease ${LEASE_MS / 1000} s); the woken ${leader} stepped down within ${(stepDownMs / 1000).toFixed(2)} s`,
      );
      await delay(AFTER_KILL_MS);
      expect(await suite.stack.relayLeader()).toBe(survivor);
    },
    // The balancer keeps handing the frozen instance half the requests (its HTTP pool has no health
    // check): a write whose tries keep meeting it is retried until it wakes, as a patient client would.
    { ...DEFAULT_RUN_SIZE, retryForMs: API_FREEZE_MS + 15_000 });
    suite.rows.push(faultRow('relay-holder-freeze', 'API relay-lease holder SIGSTOP 15 s', result));

    // Requests the balancer handed to the frozen instance hang until the client gives up (and are retried).
    expect(findViolations(result, { frozenApi }), describeRun(result)).toEqual([]);
    expect(takeoverMs, describeRun(result)).toBeLessThanOrEqual(RELAY_TAKEOVER_MS);
    // Its renewal is overdue the moment it wakes.
    expect(stepDownMs, describeRun(result)).toBeLessThanOrEqual(STEP_DOWN_WITHIN_MS);
  });
});
