import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { processBaseEnv } from '@livecart/local-services/testing';
import { RECEIVER_PORT_ENV, RECEIVER_SECRET_ENV, type ReceivedRequest, type ReceiverMode, type ReceiverReport } from './receiver-protocol.js';

const MAIN = fileURLToPath(new URL('./receiver-main.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const START_TIMEOUT_MS = 15_000;
const KEPT_LINES = 25;

export interface ReceiverOptions {
  /** Names it in errors. */
  name: string;
  /** Fixed: a restarted receiver listens where the endpoint's URL points. */
  port: number;
  /** The endpoint's signing secret (`whsec_…`), to verify each delivery with. */
  secret: string;
}

/**
 * A webhook receiver (receiver-main.ts) in a process of its own, driven from the test process: its
 * answers switched between accept, fail (500) and hang, killed with SIGKILL and started again on the
 * same port. Every request it saw, over all its lives, is in `requests`, in arrival order.
 */
export class ReceiverProcess {
  readonly requests: ReceivedRequest[] = [];
  /** How many times it was started. */
  lives = 0;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly output: string[] = [];
  private readonly modeWaits: { mode: ReceiverMode; applied: () => void }[] = [];

  private constructor(readonly options: ReceiverOptions) {}

  static async start(options: ReceiverOptions): Promise<ReceiverProcess> {
    const receiver = new ReceiverProcess(options);
    await receiver.launch();
    return receiver;
  }

  get url(): string {
    // A name the API's SSRF rules must resolve (to loopback, which the fault stack allows) before they judge it.
    return receiverUrl(this.options.port);
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** The requests it answered 2xx: the deliveries it took. */
  get accepted(): ReceivedRequest[] {
    return this.requests.filter((request) => typeof request.answer === 'number' && request.answer >= 200 && request.answer < 300);
  }

  /** Switches its answers; resolves once the receiver applies the new mode. */
  async setMode(mode: ReceiverMode): Promise<void> {
    const child = this.child;
    if (child === undefined) throw new Error(`${this.options.name} is not running`);
    const applied = new Promise<void>((resolve) => this.modeWaits.push({ mode, applied: resolve }));
    child.send({ mode });
    await applied;
  }

  /** SIGKILL: no goodbye, its open connections are cut by the kernel. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined) throw new Error(`${this.options.name} is not running`);
    this.child = undefined;
    child.kill('SIGKILL');
    await this.exited;
  }

  /** Starts it again on the same port, answering `accept`. */
  async restart(): Promise<void> {
    if (this.child !== undefined) throw new Error(`${this.options.name} is still running; kill it first`);
    await this.launch();
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    this.child = undefined;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** Its last output lines, for failure messages. */
  recentOutput(): string[] {
    return [...this.output];
  }

  private modeApplied(mode: ReceiverMode): void {
    for (const wait of this.modeWaits.filter((candidate) => candidate.mode === mode)) {
      this.modeWaits.splice(this.modeWaits.indexOf(wait), 1);
      wait.applied();
    }
  }

  private async launch(): Promise<void> {
    const child = fork(MAIN, [], {
      cwd: PACKAGE_DIR,
      execArgv: ['--import', 'tsx'],
      env: { ...processBaseEnv(), [RECEIVER_PORT_ENV]: String(this.options.port), [RECEIVER_SECRET_ENV]: this.options.secret },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.lives++;
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8').on('data', (text: string) => {
        for (const line of text.split('\n').filter(Boolean)) this.output.push(`[${this.options.name}] ${line}`);
        this.output.splice(0, Math.max(0, this.output.length - KEPT_LINES));
      });
    }
    const listening = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.options.name} did not listen within ${START_TIMEOUT_MS} ms:\n${this.output.join('\n')}`)), START_TIMEOUT_MS);
      child.on('message', (report: ReceiverReport) => {
        if (report.kind === 'request') this.requests.push(report.request);
        else if (report.kind === 'mode') this.modeApplied(report.mode);
        else {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.options.name} exited (${code ?? signal}) before listening:\n${this.output.join('\n')}`));
      });
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.child = child;
    try {
      await listening;
    } catch (error) {
      this.child = undefined;
      child.kill('SIGKILL');
      throw error;
    }
  }
}

export function receiverUrl(port: number): string {
  return `http://localhost:${port}/hooks`;
}
