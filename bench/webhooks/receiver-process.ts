import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook, WebhookVerificationError } from '@livecart/client/webhooks';
import * as hdr from 'hdr-histogram-js';
import { scanEvents } from '../realtime/harness/frame-scan.js';
import { LatencyCounts } from '../realtime/harness/latency-counts.js';
import type { EndpointTally, ReceiverCommand, ReceiverMessage } from './protocol.js';

/**
 * The webhook receivers: one HTTP server on loopback per endpoint, as 20 integrations would each run
 * one. Every delivery (an event, or a `webhook.batch` of them) is read for each event's seq and
 * occurredAt (commit → receipt); one request in `verifyEvery` per endpoint (the first included) has its
 * signature checked with `verifyWebhook` of @livecart/client, and a refused one is answered 400, as a real
 * receiver would. The rest are answered 204.
 */

const send = (message: ReceiverMessage) => process.send?.(message);

const servers: Server[] = [];
let secrets: string[] = [];
let verifyEvery = 1;
let tallies: EndpointTally[] = [];
/** The seqs each endpoint has received since it was armed. */
let seen: Set<number>[] = [];
let latency = new LatencyCounts();
let refusals: Record<string, number> = {};

const freshTally = (): EndpointTally => ({ requests: 0, distinct: 0, duplicates: 0, outOfOrder: 0, seqSum: 0, lastSeq: 0, verified: 0, refused: 0, unreadable: 0, firstAtMs: 0, lastAtMs: 0 });

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

async function receive(index: number, request: IncomingMessage): Promise<number> {
  const body = await readBody(request);
  const now = Date.now();
  const tally = tallies[index];
  const secret = secrets[index];
  // Not armed (no endpoint of this run points here): refuse, so nothing counts as delivered.
  if (tally === undefined || secret === undefined) return 404;
  tally.requests++;
  if ((tally.requests - 1) % verifyEvery === 0) {
    try {
      await verifyWebhook({ secret, headers: request.headers as Record<string, string>, body });
      tally.verified++;
    } catch (error) {
      const reason = error instanceof WebhookVerificationError ? error.reason : String(error);
      refusals[reason] = (refusals[reason] ?? 0) + 1;
      tally.refused++;
      return 400;
    }
  }
  let events = 0;
  const seqs = seen[index]!;
  scanEvents(body, true, (seq, occurredAtMs) => {
    events++;
    if (seqs.has(seq)) {
      tally.duplicates++;
      return;
    }
    seqs.add(seq);
    tally.distinct++;
    tally.seqSum += seq;
    if (seq < tally.lastSeq) tally.outOfOrder++;
    else tally.lastSeq = seq;
    if (!Number.isNaN(occurredAtMs)) latency.record(now - occurredAtMs);
  });
  if (events === 0) {
    tally.unreadable++;
    return 400;
  }
  if (tally.firstAtMs === 0) tally.firstAtMs = now;
  tally.lastAtMs = now;
  return 204;
}

async function listen(count: number): Promise<string[]> {
  for (let index = 0; index < count; index++) {
    const server = createServer((request, response) => {
      receive(index, request).then(
        (status) => response.writeHead(status).end(),
        () => response.writeHead(500).end(),
      );
    });
    // The worker keeps its connections alive between deliveries.
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
  }
  return servers.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`);
}

process.on('message', (command: ReceiverCommand) => {
  switch (command.cmd) {
    case 'listen':
      void listen(command.count).then((urls) => send({ type: 'listening', urls }));
      break;
    case 'arm':
      secrets = command.secrets;
      verifyEvery = Math.max(1, command.verifyEvery);
      tallies = secrets.map(freshTally);
      seen = secrets.map(() => new Set());
      latency = new LatencyCounts();
      refusals = {};
      send({ type: 'armed' });
      break;
    case 'report':
      send({ type: 'report', endpoints: tallies, latency: hdr.encodeIntoCompressedBase64(latency.toHistogram()), refusals });
      break;
    case 'close':
      for (const server of servers) server.closeAllConnections();
      process.exit(0);
  }
});
send({ type: 'hello' });
// The coordinator going away must not leave the servers listening.
process.on('disconnect', () => process.exit(0));
