import { setTimeout as delay } from 'node:timers/promises';
import { skipWithoutBuilds, waitUntil } from '@livecart/local-services/testing';
import { describe, expect, it } from 'vitest';
import { describeRun, faultRow } from '../src/checker/fault-report.js';
import { DEFAULT_RUN_SIZE, runFault, type RunSize } from '../src/checker/fault-run.js';
import { findViolations } from '../src/checker/run-violations.js';
import { WEBHOOK_SETTINGS } from '../src/stack/stack-settings.js';
import { describeEndpoint, webhookViolations } from '../src/webhooks/webhook-report.js';
import { WebhookRig, type EndpointPlan, type EndpointResult } from '../src/webhooks/webhook-rig.js';
import { useFaultStack } from './support/fault-suite.js';

/**
 * Webhook endpoints under the suite's load while their receivers fail and the webhook worker's lease
 * holder dies: each endpoint must still receive every matching event of the outbox, verified, its first
 * receipts in seq order, none lost (repeats are allowed and counted).
 */

const skip = skipWithoutBuilds('faults-webhooks', ['api', 'realtime']);

/** Each endpoint takes a different part of the stream, and its receiver suffers its own fault. */
const ENDPOINTS: readonly (EndpointPlan & { fault: string })[] = [
  { name: 'failing', fault: 'every event; answers 500 for 3 s' },
  { name: 'hanging', fault: 'product.updated and stock.changed; holds requests past the 1 s delivery timeout for 3 s', eventTypes: ['product.updated', 'stock.changed'] },
  { name: 'restarted', fault: 'topic catalog, in batches of up to 25 events; process SIGKILLed, started again on its port 1.5 s later', topics: ['catalog'], maxBatchSize: 25 },
];
/** How long the failing and the hanging receiver misbehave; the killed one stays down for RECEIVER_DOWN_MS. */
const RECEIVER_FAULT_MS = 3_000;
const RECEIVER_DOWN_MS = 1_500;
/** The api's default WEBHOOK_LEASE_MS (kept) and the stack's WEBHOOK_LOCK_RETRY_MS, plus slack for a shared VM. */
const TAKEOVER_WITHIN_MS = 5_000 + Number(WEBHOOK_SETTINGS.WEBHOOK_LOCK_RETRY_MS) + 2_500;
const DRAIN_TIMEOUT_MS = 30_000;
/**
 * The usual load at 15 operations a second instead of 100 (about 20 events a second, every one of them to
 * the first endpoint): the worker sends each endpoint one message at a time, and on the shared 2-core VM
 * with other work on it, it delivered 10-12 a second per endpoint (see the README), so at the full rate no
 * backlog would drain while the writes go on. 100 WebSocket clients instead of 500: the webhooks are
 * what this run proves.
 */
const RUN_SIZE: RunSize = { ...DEFAULT_RUN_SIZE, clients: 100, ratePerSecond: 15 };

describe.skipIf(skip)('faults: webhook receivers failing and the webhook worker killed under load', () => {
  const suite = useFaultStack({ apiEnv: WEBHOOK_SETTINGS });

  it('receivers answering 500, hanging and restarted, then the worker lease holder killed: every endpoint gets every matching event, verified, in seq order', async () => {
    const rig = await WebhookRig.start(
      suite.stack,
      ENDPOINTS.map(({ fault: _fault, ...plan }) => plan),
    );
    let endpoints: EndpointResult[] = [];
    let takeoverMs = Number.POSITIVE_INFINITY;
    try {
      const failing = rig.endpoint('failing').receiver;
      const hanging = rig.endpoint('hanging').receiver;
      const restarted = rig.endpoint('restarted').receiver;
      const result = await runFault(
        suite.stack,
        async (fault) => {
          const holder = await waitUntil(() => suite.stack.webhookLeader(), { what: 'an api instance to report webhook_worker_leader 1', timeoutMs: 10_000, intervalMs: 100 });
          const survivor = suite.stack.apps.names('api').find((name) => name !== holder)!;

          const startedAt = Date.now();
          await Promise.all([failing.setMode('fail'), hanging.setMode('hang'), restarted.kill()]);
          await delay(RECEIVER_DOWN_MS);
          await restarted.restart();
          await delay(Math.max(0, startedAt + RECEIVER_FAULT_MS - Date.now()));
          await Promise.all([failing.setMode('accept'), hanging.setMode('accept')]);
          const receiversDrainMs = await rig.drained(Date.now(), DRAIN_TIMEOUT_MS);

          // Mid-stream: the writes go on, and each endpoint's cursor moves with every delivery.
          await suite.stack.apps.stop(holder, 'SIGKILL');
          const killedAt = Date.now();
          fault.lifted();
          const drained = rig.drained(killedAt, DRAIN_TIMEOUT_MS);
          await waitUntil(async () => (await suite.stack.webhookLeader()) === survivor, { what: `${survivor} to take the webhook worker lease`, timeoutMs: 30_000, intervalMs: 50 });
          takeoverMs = Date.now() - killedAt;
          const killDrainMs = await drained;
          fault.note(
            `webhooks: receivers drained ${(receiversDrainMs / 1000).toFixed(2)} s after all three answered again; worker lease moved from ${holder} to ${survivor} in ${(takeoverMs / 1000).toFixed(2)} s, every endpoint drained ${(killDrainMs / 1000).toFixed(2)} s after the kill`,
          );
        },
        RUN_SIZE,
      );
      endpoints = await rig.verify(DRAIN_TIMEOUT_MS);
      result.notes.push(...endpoints.map((endpoint) => describeEndpoint(endpoint, ENDPOINTS.find(({ name }) => name === endpoint.name)?.fault ?? '')));
      suite.rows.push(faultRow('webhooks', 'Webhook receivers: 500, hang, SIGKILL + restart; then the webhook worker lease holder SIGKILL', result));

      // The api instance was killed with requests in flight: the balancer answers those 502, the writer retries them.
      expect(findViolations(result, { allowBalancer502: true }), describeRun(result)).toEqual([]);
      expect(webhookViolations(endpoints), rig.recentOutput().join('\n')).toEqual([]);
      expect(takeoverMs, describeRun(result)).toBeLessThanOrEqual(TAKEOVER_WITHIN_MS);
      // Each fault reached the API's worker as what it was.
      const failed = new Map(endpoints.map((endpoint) => [endpoint.name, endpoint]));
      expect(failed.get('failing')?.failed.answered['500']).toBeGreaterThan(0);
      expect(failed.get('hanging')?.failed.timedOut).toBeGreaterThan(0);
      expect(failed.get('restarted')?.failed.connection).toBeGreaterThan(0);
      expect(failed.get('restarted')?.lives).toBe(2);
      for (const endpoint of endpoints) expect(endpoint.deliveries.expected, endpoint.name).toBeGreaterThan(100);
    } finally {
      await rig.stop();
    }
  });
});
