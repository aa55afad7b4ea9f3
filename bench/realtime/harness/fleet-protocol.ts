/** Messages between the coordinator and its client workers (over the child-process IPC channel). */

export interface ConnectCommand {
  cmd: 'connect';
  url: string;
  /** Topics each of this worker's clients subscribes to. */
  clients: string[][];
  /** Source addresses to spread the sockets over (loopback runs out of ports past ~28k per address). */
  localAddresses: string[];
  concurrency: number;
  /** Every client resumes from this seq (`subscribe` with `since`). */
  since?: number;
}

export type Command =
  | ConnectCommand
  /** `latency: false` skips reading occurredAt: for throughput runs, where the fleet's own CPU is the limit. */
  | { cmd: 'reset'; trackSeqs: boolean; latency: boolean }
  | { cmd: 'report'; perClient: boolean }
  | { cmd: 'close' };

export interface ClientTally {
  count: number;
  /** Sum of the seqs received: with `count`, catches a missing seq replaced by a duplicate. */
  sum: number;
  /** Seqs at or below one already received: duplicates or reordering. */
  backwards: number;
}

export interface WorkerReport {
  type: 'report';
  events: number;
  frames: number;
  backwards: number;
  firstReceiveMs: number;
  lastReceiveMs: number;
  /** publish→receive latency in ms, as an HDR histogram (compressed base64). */
  latency: string;
  /** Latest receive time per seq over this worker's clients (when tracking seqs). */
  seqLastReceive: [number, number][];
  closes: Record<string, number>;
  /** Errors on subscribed sockets (a malformed frame, a reset), by message. */
  errors: Record<string, number>;
  perClient?: ClientTally[];
}

export type WorkerMessage =
  /** Sent once listening: commands sent before it would be lost. */
  | { type: 'hello' }
  /** `startedAtMs` (the command arrived) and `subscribedAtMs` (the last `subscribed`) are epoch ms. */
  | { type: 'connected'; connected: number; failed: number; error?: string; startedAtMs: number; subscribedAtMs: number }
  | { type: 'reset' }
  | WorkerReport;
