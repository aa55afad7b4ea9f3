import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pin, PRIORITY, track } from '../realtime/harness/processes.js';
import { LOAD_NODE, TSX_IMPORT } from '../src/runtime/paths.js';
import type { Command, RaceMode, ShopperResult, WorkerMessage } from './protocol.js';

const WORKER = fileURLToPath(new URL('./shopper-worker.ts', import.meta.url));
/**
 * Each shopper holds two sockets (its HTTP connection and its WebSocket); a process may hold 20,000
 * descriptors. 2,500 shoppers per process keeps each at about a quarter of that.
 */
export const SHOPPERS_PER_WORKER = 2_500;

class Worker {
  private readonly waiting = new Map<string, (message: WorkerMessage) => void>();
  progress = { opened: 0, answered: 0 };

  constructor(readonly child: ChildProcess) {
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') this.progress = { opened: message.opened, answered: message.answered };
      const resolve = this.waiting.get(message.type);
      this.waiting.delete(message.type);
      resolve?.(message);
    });
  }

  expect<Type extends WorkerMessage['type']>(reply: Type, timeoutMs: number, command?: Command): Promise<Extract<WorkerMessage, { type: Type }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`shopper process did not send ${reply} within ${timeoutMs} ms`)), timeoutMs);
      const exited = () => reject(new Error(`shopper process exited (${this.child.exitCode}) before ${reply}`));
      this.child.once('exit', exited);
      this.waiting.set(reply, (message) => {
        clearTimeout(timer);
        this.child.off('exit', exited);
        resolve(message as Extract<WorkerMessage, { type: Type }>);
      });
      if (command !== undefined) this.child.send(command);
    });
  }
}

/** Shopper processes on the client core, each with its share of the crowd, all on one product page. */
export class Crowd {
  /** Page opens that failed once and were tried again. */
  openRetries = 0;

  private constructor(
    private readonly workers: Worker[],
    readonly size: number,
  ) {}

  static async open(options: {
    url: string;
    productId: string;
    shoppers: number;
    storefrontEvery: number;
    cpus: string;
    localAddresses: string[];
    /** Each page opens its shopper's cart too (see RaceMode `checkout-warm`). */
    openCart: boolean;
    log: (line: string) => void;
  }): Promise<Crowd> {
    const count = Math.max(2, Math.ceil(options.shoppers / SHOPPERS_PER_WORKER));
    const workers = Array.from({ length: count }, (_, w) => {
      const child = track(fork(WORKER, [], { execPath: LOAD_NODE, execArgv: TSX_IMPORT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }), `shopper process ${w}`);
      pin(child.pid!, options.cpus, PRIORITY.clients);
      return new Worker(child);
    });
    await Promise.all(workers.map((worker) => worker.expect('hello', 30_000)));
    const crowd = new Crowd(workers, options.shoppers);
    const ticker = setInterval(() => options.log(`flash-sale: ${crowd.opened()} / ${options.shoppers} product pages open…`), 2_000);
    try {
      const results = await Promise.all(
        workers.map((worker, w) =>
          worker.expect('opened', 300_000, {
            cmd: 'open',
            url: options.url,
            productId: options.productId,
            shoppers: Math.floor(options.shoppers / count) + (w < options.shoppers % count ? 1 : 0),
            storefrontEvery: options.storefrontEvery,
            // Each process starts on another source address, so the crowd's sockets spread over all of them.
            localAddresses: options.localAddresses.map((_, a) => options.localAddresses[(a + w) % options.localAddresses.length]!),
            concurrency: 50,
            openCart: options.openCart,
          }),
        ),
      );
      crowd.openRetries = results.reduce((sum, r) => sum + r.retried, 0);
      const failed = results.reduce((sum, r) => sum + r.failed, 0);
      if (failed > 0) throw new Error(`${failed} product pages failed to open: ${results.find((r) => r.error !== null)?.error}`);
    } catch (error) {
      await crowd.close();
      throw error;
    } finally {
      clearInterval(ticker);
    }
    return crowd;
  }

  private opened(): number {
    return this.workers.reduce((sum, worker) => sum + worker.progress.opened, 0);
  }

  /** Every shopper clicks at `goAt` (epoch ms); resolves once each has its final answer. */
  async race(options: { mode: RaceMode; goAt: number; productId: string; expectedTotalMinor: number; log: (line: string) => void }): Promise<void> {
    const ticker = setInterval(() => options.log(`flash-sale ${options.mode}: ${this.workers.reduce((sum, w) => sum + w.progress.answered, 0)} / ${this.size} shoppers answered…`), 1_000);
    try {
      const { log: _log, ...race } = options;
      await Promise.all(this.workers.map((worker) => worker.expect('raced', 600_000, { cmd: 'race', ...race })));
    } finally {
      clearInterval(ticker);
    }
  }

  /** Every page starts watching for a frame that carries `marker`. */
  async probe(marker: string): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.expect('probing', 30_000, { cmd: 'probe', marker })));
  }

  async report(): Promise<ShopperResult[]> {
    const reports = await Promise.all(this.workers.map((worker) => worker.expect('report', 60_000, { cmd: 'report' })));
    return reports.flatMap((report) => report.shoppers);
  }

  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.child.exitCode !== null || worker.child.signalCode !== null) return resolve();
            worker.child.once('exit', () => resolve());
            if (worker.child.connected) worker.child.send({ cmd: 'close' } satisfies Command);
            else worker.child.kill('SIGTERM');
          }),
      ),
    );
  }
}
