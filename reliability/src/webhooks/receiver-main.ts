import { createServer, type ServerResponse } from 'node:http';
import { verifyWebhook, WebhookVerificationError } from '@livecart/client/webhooks';
import { RECEIVER_PORT_ENV, RECEIVER_SECRET_ENV, type ReceivedRequest, type ReceiverCommand, type ReceiverMode, type ReceiverReport } from './receiver-protocol.js';

/*
 * A webhook receiver as an integration runs one, in a process of its own (so that killing it cuts its
 * open connections as a crash would): every delivery is verified with @livecart/client's verifyWebhook
 * and answered 204, or 400 when it must not be trusted. The test process can make it answer 500 or hold
 * requests without answering. Each request is reported to the test process, and only once the report
 * has left this process is the request answered: a 2xx the sender saw is never missing from the
 * record, even when this process is killed the next instant (a receiver stores a delivery before
 * acknowledging it, for the same reason).
 */

const port = Number(process.env[RECEIVER_PORT_ENV]);
const secret = process.env[RECEIVER_SECRET_ENV];
const send = process.send?.bind(process);
if (!Number.isInteger(port) || port <= 0 || secret === undefined || send === undefined) {
  throw new Error(`receiver-main needs ${RECEIVER_PORT_ENV}, ${RECEIVER_SECRET_ENV} and an IPC channel`);
}

const report = (message: ReceiverReport) =>
  new Promise<void>((resolve, reject) => {
    send(message, undefined, {}, (error: Error | null) => (error === null ? resolve() : reject(error)));
  });

let mode: ReceiverMode = 'accept';
const held = new Set<ServerResponse>();

process.on('message', (command: ReceiverCommand) => {
  mode = command.mode;
  void report({ kind: 'mode', mode });
});
// The test process is gone: nothing would record what this one receives.
process.on('disconnect', () => process.exit(0));

async function inspect(headers: Record<string, string | string[] | undefined>, body: Buffer): Promise<Omit<ReceivedRequest, 'answer'>> {
  const at = Date.now();
  const webhookId = typeof headers['webhook-id'] === 'string' ? headers['webhook-id'] : null;
  try {
    const { message } = await verifyWebhook({ secret: secret!, headers, body });
    const events = message.type === 'webhook.batch' ? message.events : 'seq' in message ? [message] : [];
    return { at, webhookId, verified: true, type: message.type, events: events.map((event) => ({ seq: event.seq, epoch: event.epoch })) };
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    return { at, webhookId, verified: false, refusal: error.reason };
  }
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const current = mode;
    void inspect(request.headers, Buffer.concat(chunks)).then(async (seen) => {
      const answer = current === 'hang' ? 'hang' : current === 'fail' ? 500 : seen.verified ? 204 : 400;
      await report({ kind: 'request', request: { ...seen, answer } });
      if (answer === 'hang') {
        held.add(response);
        response.on('close', () => held.delete(response));
        return;
      }
      response.writeHead(answer).end();
    });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => void report({ kind: 'listening', pid: process.pid }));

process.on('SIGTERM', () => {
  for (const response of held) response.destroy();
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
