import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as hdr from 'hdr-histogram-js';
import { LOAD_NODE } from '../src/runtime/paths.js';
import { pin, PRIORITY, track, TSX_IMPORT } from '../realtime/harness/processes.js';
import type { EndpointTally, ReceiverCommand, ReceiverMessage } from './protocol.js';

const PROCESS = fileURLToPath(new URL('./receiver-process.ts', import.meta.url));

export interface ReceiversReport {
  endpoints: EndpointTally[];
  latency: hdr.Histogram;
  refusals: Record<string, number>;
}

/** The receiver process (receiver-process.ts), pinned to `cpus`, seen from the coordinator. */
export class Receivers {
  private readonly waiting = new Map<string, (message: ReceiverMessage) => void>();
  private readonly exited: Promise<never>;
  /** The receivers' URLs, receiver i at urls[i]. */
  urls: string[] = [];

  get pid(): number {
    return this.child.pid!;
  }

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: ReceiverMessage) => {
      const resolve = this.waiting.get(message.type);
      this.waiting.delete(message.type);
      resolve?.(message);
    });
    this.exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the webhook receiver process exited with ${code}`))));
    this.exited.catch(() => {});
  }

  static async start(options: { count: number; cpus: string }): Promise<Receivers> {
    const child = track(fork(PROCESS, [], { execPath: LOAD_NODE, execArgv: TSX_IMPORT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }), 'webhook receivers');
    pin(child.pid!, options.cpus, PRIORITY.receivers);
    const receivers = new Receivers(child);
    await receivers.request(null, 'hello');
    receivers.urls = (await receivers.request({ cmd: 'listen', count: options.count }, 'listening')).urls;
    return receivers;
  }

  /** Sends `command` (none: only waits) and resolves with the reply of type `reply`. */
  private request<Type extends ReceiverMessage['type']>(command: ReceiverCommand | null, reply: Type, timeoutMs = 30_000): Promise<Extract<ReceiverMessage, { type: Type }>> {
    let timer: NodeJS.Timeout | undefined;
    const answered = new Promise<Extract<ReceiverMessage, { type: Type }>>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the webhook receivers did not answer ${command?.cmd ?? 'their start'} within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.set(reply, (message) => resolve(message as Extract<ReceiverMessage, { type: Type }>));
      if (command !== null) this.child.send(command);
    });
    return Promise.race([this.exited, answered]).finally(() => clearTimeout(timer));
  }

  /** Receiver i takes the deliveries signed with `secrets[i]`; every counter starts from zero. */
  async arm(secrets: string[], verifyEvery: number): Promise<void> {
    await this.request({ cmd: 'arm', secrets, verifyEvery }, 'armed');
  }

  async report(): Promise<ReceiversReport> {
    const message = await this.request({ cmd: 'report' }, 'report');
    return { endpoints: message.endpoints, latency: hdr.decodeFromCompressedBase64(message.latency), refusals: message.refusals };
  }

  async close(): Promise<void> {
    if (this.child.connected) this.child.send({ cmd: 'close' } satisfies ReceiverCommand);
    await new Promise((resolve) => (this.child.exitCode === null ? this.child.once('exit', resolve) : resolve(null)));
  }
}
