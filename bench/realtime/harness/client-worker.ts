import * as hdr from 'hdr-histogram-js';
import type { ClientTally, Command, ConnectCommand, WorkerMessage } from './fleet-protocol.js';
import { isEventFrame, scanEvents } from './frame-scan.js';
import { LatencyCounts } from './latency-counts.js';
import { LeanWebSocket } from './lean-websocket.js';

/**
 * One process of the client fleet: opens its share of the sockets, subscribes each to its topics, and
 * counts what arrives (per-client count / seq sum / order, latency histogram), reporting over IPC.
 */

const send = (message: WorkerMessage) => process.send?.(message);

let sockets: LeanWebSocket[] = [];
let tallies: ClientTally[] = [];
let latency = new LatencyCounts();
let lastSeq: number[] = [];
let events = 0;
let frames = 0;
let firstReceiveMs = 0;
let lastReceiveMs = 0;
let trackSeqs = false;
let measureLatency = true;
let seqLastReceive = new Map<number, number>();
const closes: Record<string, number> = {};
/** Errors on subscribed sockets (protocol violations, resets), by message. */
const errors: Record<string, number> = {};

function onFrame(index: number, frame: Buffer): boolean {
  if (!isEventFrame(frame)) return false;
  const now = Date.now();
  const tally = tallies[index]!;
  scanEvents(frame, measureLatency, (seq, occurredAtMs) => {
    events++;
    tally.count++;
    tally.sum += seq;
    if (seq <= lastSeq[index]!) tally.backwards++;
    else lastSeq[index] = seq;
    if (!Number.isNaN(occurredAtMs)) latency.record(now - occurredAtMs);
    if (trackSeqs) seqLastReceive.set(seq, now);
  });
  frames++;
  if (firstReceiveMs === 0) firstReceiveMs = now;
  lastReceiveMs = now;
  return true;
}

function open(command: ConnectCommand, index: number, topics: string[]): Promise<LeanWebSocket> {
  return new Promise((resolve, reject) => {
    let subscribed = false;
    const ws: LeanWebSocket = new LeanWebSocket(
      command.url,
      { protocol: 'livecart.v1.json', localAddress: command.localAddresses[index % command.localAddresses.length] },
      {
        onOpen: () => ws.send(JSON.stringify({ type: 'subscribe', topics, ...(command.since === undefined ? {} : { since: command.since }) })),
        onMessage: (data) => {
          if (onFrame(index, data) || subscribed) return;
          const message = JSON.parse(data.toString()) as { type: string };
          if (message.type === 'subscribed') {
            subscribed = true;
            resolve(ws);
          } else if (message.type === 'error') {
            reject(new Error(data.toString()));
          }
        },
        onClose: (code) => {
          closes[code] = (closes[code] ?? 0) + 1;
          if (!subscribed) reject(new Error(`closed ${code} before subscribed`));
        },
        onError: (error) => {
          if (!subscribed) reject(error);
          else errors[error.message] = (errors[error.message] ?? 0) + 1;
        },
      },
    );
  });
}

async function connect(command: ConnectCommand): Promise<void> {
  const startedAtMs = Date.now();
  let subscribedAtMs = startedAtMs;
  tallies = command.clients.map(() => ({ count: 0, sum: 0, backwards: 0 }));
  lastSeq = command.clients.map(() => 0);
  sockets = [];
  let failed = 0;
  let error: string | undefined;
  let next = 0;
  const lane = async () => {
    while (next < command.clients.length) {
      const index = next++;
      try {
        sockets.push(await open(command, index, command.clients[index]!));
        subscribedAtMs = Date.now();
      } catch (cause) {
        failed++;
        error ??= String(cause);
      }
    }
  };
  await Promise.all(Array.from({ length: command.concurrency }, lane));
  send({ type: 'connected', connected: sockets.length, failed, startedAtMs, subscribedAtMs, ...(error === undefined ? {} : { error }) });
}

function reset(track: boolean, latencyToo: boolean): void {
  for (const tally of tallies) Object.assign(tally, { count: 0, sum: 0, backwards: 0 });
  latency = new LatencyCounts();
  events = 0;
  frames = 0;
  firstReceiveMs = 0;
  lastReceiveMs = 0;
  trackSeqs = track;
  measureLatency = latencyToo;
  seqLastReceive = new Map();
  send({ type: 'reset' });
}

function report(perClient: boolean): void {
  send({
    type: 'report',
    events,
    frames,
    backwards: tallies.reduce((sum, tally) => sum + tally.backwards, 0),
    firstReceiveMs,
    lastReceiveMs,
    latency: hdr.encodeIntoCompressedBase64(latency.toHistogram()),
    seqLastReceive: [...seqLastReceive],
    closes,
    errors,
    ...(perClient ? { perClient: tallies } : {}),
  });
}

process.on('message', (command: Command) => {
  switch (command.cmd) {
    case 'connect':
      void connect(command);
      break;
    case 'reset':
      reset(command.trackSeqs, command.latency);
      break;
    case 'report':
      report(command.perClient);
      break;
    case 'close':
      for (const ws of sockets) ws.terminate();
      process.exit(0);
  }
});
send({ type: 'hello' });
// The coordinator going away (crash, Ctrl-C) must not leave thousands of sockets open.
process.on('disconnect', () => process.exit(0));
