import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as hdr from 'hdr-histogram-js';
import type { ClientTally, Command, WorkerMessage, WorkerReport } from './fleet-protocol.js';
import { buildHistogram } from './latency-counts.js';
import { LOAD_NODE } from '../../src/runtime/paths.js';
import { cpuSeconds, pin, PRIORITY, profileArgs, track, TSX_IMPORT } from './processes.js';

const WORKER = fileURLToPath(new URL('./client-worker.ts', import.meta.url));
/** The per-process descriptor limit is 20,000; stay well under it. */
export const MAX_SOCKETS_PER_WORKER = 9_000;

export interface FleetReport {
  events: number;
  frames: number;
  backwards: number;
  firstReceiveMs: number;
  lastReceiveMs: number;
  latency: hdr.Histogram;
  seqLastReceive: Map<number, number>;
  closes: Record<string, number>;
  errors: Record<string, number>;
  perClient: ClientTally[];
}

class Worker {
  private readonly waiting = new Map<string, (message: WorkerMessage) => void>();
  readonly ready: Promise<void>;

  constructor(readonly child: ChildProcess) {
    this.ready = new Promise((resolve, reject) => {
      this.waiting.set('hello', () => resolve());
      child.once('exit', (code) => reject(new Error(`client worker exited with ${code} before it was ready`)));
    });
    child.on('message', (message: WorkerMessage) => {
      const resolve = this.waiting.get(message.type);
      this.waiting.delete(message.type);
      resolve?.(message);
    });
  }

  request<Type extends WorkerMessage['type']>(command: Command, reply: Type, timeoutMs = 120_000): Promise<Extract<WorkerMessage, { type: Type }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker did not answer ${command.cmd} within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.set(reply, (message) => {
        clearTimeout(timer);
        resolve(message as Extract<WorkerMessage, { type: Type }>);
      });
      this.child.send(command);
    });
  }
}

/** Client processes pinned to `cpus`, holding `clients.length` sockets between them. */
export interface OpenOptions {
  url: string;
  /** Topics of each client: one socket per entry. */
  clients: string[][];
  localAddresses: string[];
  /** Sockets each worker opens at a time (200 by default). */
  concurrency?: number;
  /** Every client resumes from this seq (`subscribe` with `since`). */
  since?: number;
}

export class Fleet {
  private sizes: number[] = [];
  /** From the first worker starting to connect to the last client's `subscribed`, in the last `open`. */
  connectMs = 0;

  private constructor(private readonly workers: Worker[]) {}

  /** Opens one socket per entry of `clients` (its topics), spread over as few workers as the limit allows. */
  static async connect(options: OpenOptions & { cpus: string }): Promise<Fleet> {
    const fleet = await Fleet.start({ clients: options.clients.length, cpus: options.cpus });
    await fleet.open(options);
    return fleet;
  }

  /** Starts the worker processes for `clients` sockets, none open yet: `open` then costs only the connecting. */
  static async start(options: { clients: number; cpus: string }): Promise<Fleet> {
    const count = Math.max(2, Math.ceil(options.clients / MAX_SOCKETS_PER_WORKER));
    const workers = Array.from({ length: count }, (_, w) => {
      const child = track(fork(WORKER, [], { execPath: LOAD_NODE, execArgv: [...TSX_IMPORT, ...profileArgs(`client-worker-${w}-${Date.now()}`)], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }), `client worker ${w}`);
      pin(child.pid!, options.cpus, PRIORITY.clients);
      return new Worker(child);
    });
    await Promise.all(workers.map((worker) => worker.ready));
    return new Fleet(workers);
  }

  /** Connects and subscribes every client, client i on worker i % workers. */
  async open(options: OpenOptions): Promise<void> {
    const count = this.workers.length;
    const shares = Array.from({ length: count }, (_, w) => options.clients.filter((_, i) => i % count === w));
    const results = await Promise.all(
      this.workers.map((worker, w) =>
        worker.request(
          {
            cmd: 'connect',
            url: options.url,
            clients: shares[w]!,
            localAddresses: options.localAddresses.map((_, a) => options.localAddresses[(a + w) % options.localAddresses.length]!),
            concurrency: options.concurrency ?? 200,
            ...(options.since === undefined ? {} : { since: options.since }),
          },
          'connected',
          180_000,
        ),
      ),
    );
    const failed = results.reduce((sum, r) => sum + r.failed, 0);
    if (failed > 0) throw new Error(`${failed} clients failed to connect: ${results.find((r) => r.error)?.error}`);
    this.sizes = shares.map((share) => share.length);
    this.connectMs = Math.max(...results.map((r) => r.subscribedAtMs)) - Math.min(...results.map((r) => r.startedAtMs));
  }

  /** Zeroes every counter; `trackSeqs` records per-seq arrival times (few events only). */
  async reset(options: { trackSeqs?: boolean; latency?: boolean } = {}): Promise<void> {
    const command: Command = { cmd: 'reset', trackSeqs: options.trackSeqs ?? false, latency: options.latency ?? true };
    await Promise.all(this.workers.map((worker) => worker.request(command, 'reset')));
  }

  async report(withClients = false): Promise<FleetReport> {
    const reports: WorkerReport[] = await Promise.all(this.workers.map((worker) => worker.request({ cmd: 'report', perClient: withClients }, 'report')));
    const latency = buildHistogram();
    const seqLastReceive = new Map<number, number>();
    const closes: Record<string, number> = {};
    const errors: Record<string, number> = {};
    for (const report of reports) {
      latency.add(hdr.decodeFromCompressedBase64(report.latency));
      for (const [seq, at] of report.seqLastReceive) seqLastReceive.set(seq, Math.max(at, seqLastReceive.get(seq) ?? 0));
      for (const [code, n] of Object.entries(report.closes)) closes[code] = (closes[code] ?? 0) + n;
      for (const [message, n] of Object.entries(report.errors)) errors[message] = (errors[message] ?? 0) + n;
    }
    // Reassemble per-client tallies in the original client order (client i went to worker i % count).
    const perClient: ClientTally[] = [];
    if (withClients) {
      const total = this.sizes.reduce((a, b) => a + b, 0);
      for (let i = 0; i < total; i++) perClient.push(reports[i % reports.length]!.perClient![Math.floor(i / reports.length)]!);
    }
    const received = reports.filter((r) => r.firstReceiveMs > 0);
    return {
      events: reports.reduce((sum, r) => sum + r.events, 0),
      frames: reports.reduce((sum, r) => sum + r.frames, 0),
      backwards: reports.reduce((sum, r) => sum + r.backwards, 0),
      firstReceiveMs: Math.min(...received.map((r) => r.firstReceiveMs)),
      lastReceiveMs: Math.max(0, ...received.map((r) => r.lastReceiveMs)),
      latency,
      seqLastReceive,
      closes,
      errors,
      perClient,
    };
  }

  /** User + system CPU seconds the client processes have used so far. */
  cpuSeconds(): number {
    return this.workers.reduce((sum, worker) => sum + cpuSeconds(worker.child.pid!), 0);
  }

  async close(): Promise<void> {
    for (const worker of this.workers) {
      if (worker.child.connected) worker.child.send({ cmd: 'close' } satisfies Command);
    }
    await Promise.all(this.workers.map((worker) => new Promise((resolve) => (worker.child.exitCode === null ? worker.child.once('exit', resolve) : resolve(null)))));
  }
}
