import { setTimeout as delay } from 'node:timers/promises';
import { waitUntil } from '@livecart/local-services/testing';
import WebSocket from 'ws';
import { Fleet } from '../../realtime/harness/fleet.js';
import { row, type Chart } from '../report/schema.js';
import { CLIENT_CPUS } from '../runtime/paths.js';
import { processUsageOf } from '../runtime/processes.js';
import { median, round } from '../stats.js';
import { bySize, type Suite } from './context.js';

const LOCAL_ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];
const PERCENTILES = [1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9, 100];

interface ProbeEvent {
  seq: number;
  version: number;
  occurredAtMs: number;
}

/**
 * One more subscriber, in this process, that reads each event in full: it tells which seq a write
 * became and when Postgres stamped it (`occurredAt`), which the fleet's latencies are relative to.
 */
class Probe {
  private readonly events: ProbeEvent[] = [];
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { type: string; event?: RawEvent; events?: RawEvent[] };
      const batch = message.type === 'event' ? [message.event!] : message.type === 'batch' ? message.events! : [];
      for (const event of batch) this.events.push({ seq: event.seq, version: event.data.version, occurredAtMs: Date.parse(event.occurredAt) });
    });
  }

  static open(url: string, topic: string): Promise<Probe> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, 'livecart.v1.json');
      ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', topics: [topic] })));
      ws.on('error', reject);
      const onMessage = (data: Buffer) => {
        if ((JSON.parse(data.toString()) as { type: string }).type !== 'subscribed') return;
        ws.off('message', onMessage);
        resolve(new Probe(ws));
      };
      ws.on('message', onMessage);
    });
  }

  /** The event that carries product version `version`. */
  waitFor(version: number, timeoutMs: number): Promise<ProbeEvent> {
    return waitUntil(() => this.events.find((event) => event.version === version), { what: `the event for version ${version}`, timeoutMs, intervalMs: 5 });
  }

  close(): void {
    this.ws.terminate();
  }
}

interface RawEvent {
  seq: number;
  occurredAt: string;
  data: { version: number };
}

interface WriteResult {
  write: number;
  status: number;
  httpMs: number;
  /** From the start of the PATCH to Postgres's commit clock (`occurredAt`). */
  commitOffsetMs: number;
  firstClientMs: number;
  lastClientMs: number;
  /** Per-client latency from the start of the PATCH, at PERCENTILES. */
  clientMs: Record<string, number>;
  delivered: number;
}

export const e2eSuite: Suite = {
  name: 'e2e',
  summary: 'admin PATCH → outbox → Redis → realtime → 10,000 clients on one product topic: write → last client, p50/p99 over clients',
  estimateS: { tiny: 5, quick: 10, full: 75 },
  builds: ['@livecart/api', '@livecart/realtime'],
  remoteTargets: ['api', 'realtime'],
  async run(ctx) {
    const clients = bySize(ctx.size, { tiny: 200, quick: 1_000, full: 10_000 });
    const writes = bySize(ctx.size, { tiny: 3, quick: 5, full: 20 });
    const [api, realtime, products] = await Promise.all([ctx.stack.api(), ctx.stack.realtime(), ctx.stack.products()]);
    const product = products[1] ?? products[0]!;
    const topic = `product:${product.id}`;
    ctx.log(`e2e: connecting ${clients} clients to ${topic}…`);
    const connectStarted = performance.now();
    // Several loopback source addresses keep 10k local sockets clear of port exhaustion; a remote server is
    // reached from the default address.
    const localAddresses = realtime.pid === null ? [] : LOCAL_ADDRESSES;
    const fleet = await Fleet.connect({ url: realtime.wsUrl, clients: Array.from({ length: clients }, () => [topic]), cpus: CLIENT_CPUS, localAddresses });
    const connectS = round((performance.now() - connectStarted) / 1000);
    const probe = await Probe.open(realtime.wsUrl, topic);
    const cpuBefore = realtime.pid === null ? null : processUsageOf(realtime.pid).cpuSeconds;
    const measuredFrom = performance.now();
    const results: WriteResult[] = [];
    try {
      for (let write = 1; write <= writes; write++) {
        await delay(500);
        await fleet.reset({ trackSeqs: true });
        const startedAt = Date.now();
        const httpStarted = performance.now();
        const response = await fetch(`${api.url}/v1/products/${product.id}`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${api.apiKey}`, 'content-type': 'application/json', 'if-match': '*' },
          body: JSON.stringify({ priceMinor: 10_000 + write }),
        });
        const body = (await response.json()) as { version?: number };
        const httpMs = performance.now() - httpStarted;
        if (response.status !== 200 || body.version === undefined) throw new Error(`PATCH answered ${response.status}: ${JSON.stringify(body)}`);
        const event = await probe.waitFor(body.version, 10_000);
        // Let the fan-out finish before asking the fleet (its reports take client-core time).
        let report = await fleet.report();
        for (const deadline = Date.now() + 15_000; report.events < clients && Date.now() < deadline; ) {
          await delay(200);
          report = await fleet.report();
        }
        const offset = event.occurredAtMs - startedAt;
        const last = report.seqLastReceive.get(event.seq);
        results.push({
          write,
          status: response.status,
          httpMs: round(httpMs),
          commitOffsetMs: offset,
          firstClientMs: report.firstReceiveMs - startedAt,
          lastClientMs: last === undefined ? Number.NaN : last - startedAt,
          clientMs: Object.fromEntries(PERCENTILES.map((p) => [String(p), report.latency.getValueAtPercentile(p) + offset])),
          delivered: report.events,
        });
        const r = results.at(-1)!;
        ctx.log(`e2e write ${write}/${writes}: HTTP ${r.httpMs} ms, last of ${clients} at ${r.lastClientMs} ms (p50 ${r.clientMs['50']}, p99 ${r.clientMs['99']}), ${r.delivered} delivered`);
      }
    } finally {
      probe.close();
      await fleet.close();
    }
    const seconds = (performance.now() - measuredFrom) / 1000;
    const realtimeCpu = realtime.pid === null || cpuBefore === null ? null : round(((processUsageOf(realtime.pid).cpuSeconds - cpuBefore) / seconds) * 100);
    const at = (p: number) => results.map((r) => r.clientMs[String(p)]!);
    const lastMs = results.map((r) => r.lastClientMs);
    const lost = results.reduce((sum, r) => sum + Math.max(0, clients - r.delivered), 0);
    const middle = [...results].sort((a, b) => a.lastClientMs - b.lastClientMs)[Math.floor(results.length / 2)]!;
    const charts: Chart[] = [
      {
        kind: 'line',
        id: 'e2e-per-write',
        title: `Admin PATCH → ${clients.toLocaleString('en')} subscribers, per write`,
        xLabel: 'write',
        yLabel: 'ms from the start of the PATCH',
        xLog: false,
        series: [
          { name: 'last client', role: 'ours', points: results.map((r): [number, number] => [r.write, r.lastClientMs]) },
          { name: 'p99 of clients', role: 'baseline', points: results.map((r): [number, number] => [r.write, r.clientMs['99']!]) },
          { name: 'p50 of clients', role: 'baseline', points: results.map((r): [number, number] => [r.write, r.clientMs['50']!]) },
          { name: 'HTTP response', role: 'baseline', points: results.map((r): [number, number] => [r.write, r.httpMs]) },
        ],
      },
      {
        kind: 'line',
        id: 'e2e-cdf',
        title: `Share of the ${clients.toLocaleString('en')} clients that have the update (median write)`,
        xLabel: 'ms from the start of the PATCH (log)',
        yLabel: '% of clients',
        xLog: true,
        series: [{ name: `write ${middle.write}`, role: 'ours', points: PERCENTILES.map((p): [number, number] => [Math.max(1, middle.clientMs[String(p)]!), p]) }],
      },
    ];
    return {
      method: `${clients.toLocaleString('en')} WebSocket clients (bench/realtime fleet, core 1) on one product topic of the local realtime server (core 0); ${writes} sequential admin PATCHes to the API (outbox → relay → Redis → realtime); latency from the start of each PATCH; medians over writes.`,
      rows: [
        row({
          name: 'e2e',
          label: `PATCH → ${clients.toLocaleString('en')} clients`,
          role: 'ours',
          throughput: null,
          throughputUnit: '—',
          p50Ms: median(at(50)),
          p95Ms: median(at(95)),
          p99Ms: median(at(99)),
          errors: lost + results.filter((r) => r.status !== 200).length,
          rssMb: realtime.pid === null ? null : round(processUsageOf(realtime.pid).rssMb),
          cpuPercent: realtimeCpu,
          runs: results.length,
          extra: {
            clients,
            'last client ms': median(lastMs),
            'first client ms': median(results.map((r) => r.firstClientMs)),
            'HTTP PATCH ms': median(results.map((r) => r.httpMs)),
            'PATCH → commit ms': median(results.map((r) => r.commitOffsetMs)),
            'connect s': connectS,
          },
        }),
      ],
      headlines: [
        { name: 'e2e-last', label: `admin PATCH → last of ${clients.toLocaleString('en')} subscribed clients (median of ${results.length} writes)`, value: median(lastMs), unit: 'ms', perRun: lastMs, target: null },
        { name: 'e2e-p50', label: 'admin PATCH → client, p50 over clients (median over writes)', value: median(at(50)), unit: 'ms', perRun: at(50), target: null },
        { name: 'e2e-p99', label: 'admin PATCH → client, p99 over clients (median over writes)', value: median(at(99)), unit: 'ms', perRun: at(99), target: null },
        { name: 'e2e-lost', label: 'e2e deliveries missing', value: lost, unit: '', perRun: [], target: { op: '<=', value: 0 } },
      ],
      checks: [],
      charts,
      raw: { clients, writes: results, topic, connectS },
    };
  },
};
