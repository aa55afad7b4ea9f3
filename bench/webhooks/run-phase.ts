import { setTimeout as delay } from 'node:timers/promises';
import type { Fleet } from '../realtime/harness/fleet.js';
import { coreBusyPercent, coreTicks, cpuSecondsByName, cpuSecondsSince } from '../src/runtime/machine-cpu.js';
import { processUsageOf } from '../src/runtime/processes.js';
import { round } from '../src/stats.js';
import { deliveredPerEndpoint } from './delivery-log.js';
import { deleteEndpoints, registerEndpoints } from './endpoints.js';
import { allDelivered, checkDeliveries, expectedLiveDeliveries, type DeliveryCheck } from './measures.js';
import type { Receivers } from './receivers.js';
import type { BulkWriter, WriterOutcome } from './writer.js';

export type PhaseName = 'A' | 'B';

export interface PhaseSetup {
  apiUrl: string;
  /** The API's database: its delivery log. */
  databaseUrl: string;
  /** A key with webhooks:manage. */
  webhooksKey: string;
  apiPid: number | null;
  realtimePid: number | null;
  /** The api instance that only delivers webhooks. */
  workerPid: number | null;
  writer: BulkWriter;
  fleet: Fleet;
  /** Subscribed clients per product id. */
  subscribers: ReadonlyMap<string, number>;
  receivers: Receivers;
  eventsPerSecond: number;
  durationMs: number;
  maxInFlight: number;
  /** Endpoints registered in phase B (one per receiver). */
  endpoints: number;
  /** One request in this many per endpoint has its signature verified. */
  verifyEvery: number;
  /** Each endpoint's `maxBatchSize`: events one request carries at most. */
  maxBatchSize: number;
  /** How long phase B waits, once the writes end, for every endpoint to have every event. */
  drainTimeoutMs: number;
  log: (line: string) => void;
}

export interface LivePath {
  /** Deliveries the fleet received / expected (each committed event once per subscriber). */
  received: number;
  expected: number;
  backwards: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface WebhookFigures {
  endpoints: number;
  check: DeliveryCheck;
  /** Requests the receivers answered (all endpoints): with batches, fewer than the events they carried. */
  requests: number;
  /** Distinct deliveries received (all endpoints) per second of the write window: what was sustained. */
  deliveredPerSecondWhileWriting: number;
  /** From the end of the writes until the last endpoint had every event; null if the drain timed out. */
  drainMs: number | null;
  verified: number;
  refusals: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface PhaseResult {
  phase: PhaseName;
  writes: Omit<WriterOutcome, 'perProduct'>;
  live: LivePath;
  /** Server CPU over the write window, % of one core. */
  apiCpuPercent: number | null;
  realtimeCpuPercent: number | null;
  workerCpuPercent: number | null;
  /** Every Postgres process on the machine (the server the stack uses), % of one core. */
  postgresCpuPercent: number;
  /** The webhook receivers' process (on the clients' core), % of one core. */
  receiversCpuPercent: number | null;
  /** Each core's busy share over the write window, %: where the phases differ in what the machine did. */
  coreBusyPercent: number[];
  webhooks: WebhookFigures | null;
}

const cpuOf = (pid: number | null) => (pid === null ? null : processUsageOf(pid).cpuSeconds);
const percent = (before: number | null, after: number | null, ms: number) => (before === null || after === null ? null : round(((after - before) / (ms / 1_000)) * 100));

/**
 * One phase: the writers at their rate while the fleet measures the live path; in phase B with
 * `endpoints` webhook endpoints registered through the API beforehand, their deliveries counted and
 * timed, and removed again once every event reached every endpoint (or the drain timed out).
 */
/** What the writers' bulk updates publish, and all the endpoints take. */
const EVENT_TYPE = 'product.updated';

export async function runPhase(phase: PhaseName, setup: PhaseSetup): Promise<PhaseResult> {
  const { fleet, receivers } = setup;
  const endpoints =
    phase === 'B' ? await registerEndpoints({ apiUrl: setup.apiUrl, apiKey: setup.webhooksKey, urls: receivers.urls.slice(0, setup.endpoints), eventTypes: [EVENT_TYPE], maxBatchSize: setup.maxBatchSize }) : [];
  try {
    await receivers.arm(
      endpoints.map((endpoint) => endpoint.secret),
      setup.verifyEvery,
    );
    await fleet.reset();
    const cpu = { api: cpuOf(setup.apiPid), realtime: cpuOf(setup.realtimePid), worker: cpuOf(setup.workerPid), receivers: cpuOf(receivers.pid), postgres: cpuSecondsByName('postgres'), cores: coreTicks(), at: performance.now() };
    const { perProduct, ...writes } = await setup.writer.write({ eventsPerSecond: setup.eventsPerSecond, durationMs: setup.durationMs, maxInFlight: setup.maxInFlight });
    const writeMs = performance.now() - cpu.at;
    const apiCpuPercent = percent(cpu.api, cpuOf(setup.apiPid), writeMs);
    const realtimeCpuPercent = percent(cpu.realtime, cpuOf(setup.realtimePid), writeMs);
    const workerCpuPercent = percent(cpu.worker, cpuOf(setup.workerPid), writeMs);
    const receiversCpuPercent = percent(cpu.receivers, cpuOf(receivers.pid), writeMs);
    const postgresCpuPercent = round((cpuSecondsSince(cpu.postgres, cpuSecondsByName('postgres')) / (writeMs / 1_000)) * 100);
    const busy = coreBusyPercent(cpu.cores, coreTicks());
    const writesEnded = Date.now();
    const whileWriting = phase === 'B' ? await receivers.report() : null;
    // The live path delivers within milliseconds; a second lets its tail arrive before the fleet reports.
    const expectedLive = expectedLiveDeliveries(perProduct, setup.subscribers);
    let fleetReport = await fleet.report();
    for (const deadline = Date.now() + 5_000; fleetReport.events < expectedLive && Date.now() < deadline; ) {
      await delay(250);
      fleetReport = await fleet.report();
    }
    const live: LivePath = {
      received: fleetReport.events,
      expected: expectedLive,
      backwards: fleetReport.backwards,
      p50Ms: fleetReport.latency.getValueAtPercentile(50),
      p99Ms: fleetReport.latency.getValueAtPercentile(99),
      maxMs: fleetReport.latency.maxValue,
    };
    let webhooks: WebhookFigures | null = null;
    if (whileWriting !== null) {
      let report = await receivers.report();
      let drainMs: number | null = null;
      for (const deadline = performance.now() + setup.drainTimeoutMs; ; ) {
        if (allDelivered(writes.events, report.endpoints)) {
          drainMs = Math.max(0, Math.max(...report.endpoints.map((e) => e.lastAtMs)) - writesEnded);
          break;
        }
        if (performance.now() >= deadline) break;
        setup.log(`webhooks: phase B drain, ${report.endpoints.reduce((sum, e) => sum + e.distinct, 0)} of ${writes.events * endpoints.length} delivered`);
        await delay(1_000);
        report = await receivers.report();
      }
      // The API's log first, then the receivers: whatever it logged as delivered was received before.
      const acknowledged = await deliveredPerEndpoint(
        setup.databaseUrl,
        endpoints.map((endpoint) => endpoint.id),
        EVENT_TYPE,
      );
      report = await receivers.report();
      const deliveredWhileWriting = whileWriting.endpoints.reduce((sum, e) => sum + e.distinct, 0);
      webhooks = {
        endpoints: endpoints.length,
        check: checkDeliveries(writes.events, report.endpoints, acknowledged),
        requests: report.endpoints.reduce((sum, e) => sum + e.requests, 0),
        deliveredPerSecondWhileWriting: Math.round((deliveredWhileWriting / writeMs) * 1_000),
        drainMs: drainMs === null ? null : Math.round(drainMs),
        verified: report.endpoints.reduce((sum, e) => sum + e.verified, 0),
        refusals: report.refusals,
        p50Ms: report.latency.getValueAtPercentile(50),
        p99Ms: report.latency.getValueAtPercentile(99),
        maxMs: report.latency.maxValue,
      };
    }
    return { phase, writes, live, apiCpuPercent, realtimeCpuPercent, workerCpuPercent, postgresCpuPercent, receiversCpuPercent, coreBusyPercent: busy, webhooks };
  } finally {
    if (endpoints.length > 0) await deleteEndpoints({ apiUrl: setup.apiUrl, apiKey: setup.webhooksKey, endpoints });
  }
}
