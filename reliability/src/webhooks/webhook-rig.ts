import { findFreePort } from '@livecart/local-services';
import { createApiKey, waitUntil } from '@livecart/local-services/testing';
import { WebhookEndpointWithSecretSchema, type WebhookEndpointCreateInput, type WebhookEndpointWithSecret } from '@livecart/schemas';
import { send } from '../checker/http.js';
import { ReceiverProcess, receiverUrl } from './receiver-process.js';
import { WebhookOutbox, type FailedAttempts } from './webhook-outbox.js';
import { matchesFilter, verifyWebhookDeliveries, type OutboxEntry, type WebhookDeliveryReport } from './verify-webhooks.js';

/** One endpoint to register: a name for reports, and its filters as the API takes them. */
export interface EndpointPlan extends Omit<WebhookEndpointCreateInput, 'url'> {
  name: string;
}

export interface RiggedEndpoint {
  name: string;
  /** As the API answered its registration (with its secret, and its cursor: `deliveredSeq`). */
  endpoint: WebhookEndpointWithSecret;
  receiver: ReceiverProcess;
}

export interface EndpointResult {
  name: string;
  /** How many times its receiver process was started. */
  lives: number;
  deliveries: WebhookDeliveryReport;
  /** The failed attempts the API's delivery log holds for it. */
  failed: FailedAttempts;
}

/** Drain times are seconds long; a poll reads the outbox and every receipt, so not more often than this. */
const POLL_MS = 200;

/**
 * Webhook endpoints registered through the API (with a key that has only `webhooks:manage`), each with
 * its own receiver process, and the checks of what they received against the outbox in Postgres.
 */
export class WebhookRig {
  private constructor(
    readonly endpoints: readonly RiggedEndpoint[],
    private readonly outbox: WebhookOutbox,
  ) {}

  static async start(target: { url: string; databaseUrl: string }, plans: readonly EndpointPlan[]): Promise<WebhookRig> {
    const outbox = new WebhookOutbox(target.databaseUrl);
    const endpoints: RiggedEndpoint[] = [];
    try {
      const apiKey = await createApiKey(target.databaseUrl, { name: 'reliability webhooks', scopes: ['webhooks:manage'] });
      for (const { name, ...filters } of plans) {
        // The receiver's port is fixed before the endpoint exists: a restarted receiver comes back at the same URL.
        const port = await findFreePort();
        const endpoint = await register(target.url, apiKey, { ...filters, url: receiverUrl(port), description: `reliability: ${name}` });
        endpoints.push({ name, endpoint, receiver: await ReceiverProcess.start({ name: `receiver-${name}`, port, secret: endpoint.secret }) });
      }
      return new WebhookRig(endpoints, outbox);
    } catch (error) {
      await Promise.all(endpoints.map(({ receiver }) => receiver.stop()));
      await outbox.close();
      throw error;
    }
  }

  endpoint(name: string): RiggedEndpoint {
    const found = this.endpoints.find((candidate) => candidate.name === name);
    if (found === undefined) throw new Error(`no endpoint named ${name}`);
    return found;
  }

  /**
   * Waits until every endpoint has accepted every matching event among the outbox rows written so far,
   * and says how long that took from `since` (epoch ms): the time to drain after a fault was lifted.
   * Gives up at once when an endpoint accepted an event while an earlier one it should have got is still
   * missing: delivered in seq order, that one is lost (or comes out of order), whatever the wait.
   */
  async drained(since: number, timeoutMs: number): Promise<number> {
    const upTo = await this.outbox.lastRowId();
    // Each poll reads only what follows the events every endpoint is known to have: polling stays cheap however long the wait.
    let from = Math.min(...this.endpoints.map(({ endpoint }) => endpoint.deliveredSeq));
    let events: OutboxEntry[] | undefined;
    try {
      await waitUntil(
        async () => {
          events = await this.outbox.published(from, upTo);
          if (events === undefined) return false;
          const firstMissing: number[] = [];
          for (const rigged of this.endpoints) {
            const gone = missing(rigged, events);
            const highest = Math.max(0, ...rigged.receiver.accepted.flatMap((request) => request.events ?? []).map((event) => event.seq));
            if (gone[0] !== undefined && gone[0] < highest) throw new Error(`${rigged.name} accepted seq ${highest} but never seq ${gone[0]}: lost, or it comes out of order`);
            if (gone[0] !== undefined) firstMissing.push(gone[0]);
          }
          if (firstMissing.length === 0) return true;
          from = Math.min(...firstMissing) - 1;
          return false;
        },
        { what: 'every webhook endpoint to receive what the outbox held', timeoutMs, intervalMs: POLL_MS },
      );
    } catch (error) {
      if (error instanceof Error) error.message += `\n${(await this.describe(events)).join('\n')}`;
      throw error;
    }
    return Date.now() - since;
  }

  /** Once writes are over: waits for every endpoint to receive everything, then checks each against the outbox. */
  async verify(timeoutMs: number): Promise<EndpointResult[]> {
    await this.drained(Date.now(), timeoutMs).catch(() => undefined);
    const epoch = await this.outbox.epoch();
    const results: EndpointResult[] = [];
    for (const { name, endpoint, receiver } of this.endpoints) {
      const events = (await this.outbox.published(endpoint.deliveredSeq)) ?? [];
      results.push({
        name,
        lives: receiver.lives,
        deliveries: verifyWebhookDeliveries({ endpointId: endpoint.id, epoch, filter: endpoint, events, requests: receiver.requests }),
        failed: await this.outbox.failedAttempts(endpoint.id),
      });
    }
    return results;
  }

  /** Where each endpoint stands: what its receiver got, what it still misses, its state in Postgres. */
  private async describe(events: readonly OutboxEntry[] | undefined): Promise<string[]> {
    const lines = events === undefined ? ['some outbox rows are not published yet'] : [];
    for (const rigged of this.endpoints) {
      const { requests, accepted } = rigged.receiver;
      const gone = events === undefined ? [] : missing(rigged, events);
      const last = requests.at(-1);
      lines.push(
        `${rigged.name}: ${requests.length} requests, ${accepted.length} accepted, missing ${gone.length} (seqs ${gone.slice(0, 5).join(', ')}); last request ${JSON.stringify(last)}; in Postgres ${await this.outbox.endpointState(rigged.endpoint.id)}`,
      );
    }
    return lines;
  }

  /** What each receiver printed last, for failure messages. */
  recentOutput(): string[] {
    return this.endpoints.flatMap(({ receiver }) => receiver.recentOutput());
  }

  async stop(): Promise<void> {
    await Promise.all(this.endpoints.map(({ receiver }) => receiver.stop()));
    await this.outbox.close();
  }
}

async function register(apiUrl: string, apiKey: string, input: WebhookEndpointCreateInput): Promise<WebhookEndpointWithSecret> {
  const answer = await send(`${apiUrl}/v1/webhook-endpoints`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, body: input, timeoutMs: 10_000 });
  if (answer.status !== 201) throw new Error(`registering webhook endpoint ${input.url} answered ${String(answer.status)}: ${JSON.stringify(answer.body)}`);
  return WebhookEndpointWithSecretSchema.parse(answer.body);
}

/** The seqs of matching events after the endpoint's cursor at registration that its receiver has not accepted. */
function missing({ endpoint, receiver }: RiggedEndpoint, events: readonly OutboxEntry[]): number[] {
  const accepted = new Set(receiver.accepted.flatMap((request) => request.events ?? []).map((event) => event.seq));
  return events.filter((event) => event.seq > endpoint.deliveredSeq && matchesFilter(endpoint, event) && !accepted.has(event.seq)).map((event) => event.seq);
}
