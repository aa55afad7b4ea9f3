import { WEBHOOK_BATCH_TYPE, webhookBatchMessageId, webhookMessageId } from '@livecart/schemas';
import type { ReceivedRequest } from './receiver-protocol.js';

/** An event as the outbox holds it: what a delivery must carry, and when it was written. */
export interface OutboxEntry {
  seq: number;
  type: string;
  topics: readonly string[];
  /** Epoch ms: `occurred_at`, the time of the transaction that wrote it. */
  occurredAt: number;
}

/** An endpoint's filter as registered: null takes every type, any topic. */
export interface EndpointFilter {
  eventTypes: readonly string[] | null;
  topics: readonly string[] | null;
}

/** Whether an endpoint with this filter must receive the event (a type it asked for and one of its topics). */
export function matchesFilter(filter: EndpointFilter, event: Pick<OutboxEntry, 'type' | 'topics'>): boolean {
  if (filter.eventTypes !== null && !filter.eventTypes.includes(event.type)) return false;
  return filter.topics === null || event.topics.some((topic) => filter.topics?.includes(topic) === true);
}

export interface WebhookCheckInput {
  endpointId: string;
  /** The epoch every delivery must name (the history did not go back during the run). */
  epoch: string;
  filter: EndpointFilter;
  /** Every published event after the endpoint's cursor at registration, in seq order. */
  events: readonly OutboxEntry[];
  /** Every request its receiver saw, in arrival order. */
  requests: readonly ReceivedRequest[];
}

export interface WebhookDeliveryReport {
  /** Matching events, each of which had to be received. */
  expected: number;
  /** Of those, the ones the receiver accepted (answered 2xx) at least once. */
  received: number;
  lost: number;
  /** Accepted deliveries of an event accepted before (at least once allows them). */
  duplicates: number;
  /** First receipts whose seq is not above every earlier first receipt's. */
  outOfOrder: number;
  /**
   * Accepted deliveries of no expected event: not matching, another epoch, a message id that is not the
   * event's (or the batch's), a reset notice; and batches whose events are not consecutive matching events.
   */
  unexpected: number;
  /** Requests verifyWebhook refused (bad signature, stale, missing header, unknown payload). */
  unverified: number;
  /** Requests the receiver did not take, by its answer (`500`, `hang`). */
  refusedByReceiver: Record<string, number>;
  /** Milliseconds from `occurred_at` to the first accepted receipt, over the received events. */
  latencyMs: { p50: number; p99: number; max: number } | undefined;
  /** A few problems, spelled out, for failure messages. */
  examples: string[];
}

const MAX_EXAMPLES = 10;

/**
 * Checks one endpoint's receipts against the outbox: every matching event accepted, first receipts in
 * strictly increasing seq order, nothing accepted that the endpoint should not have got, every request
 * verified, each batch a run of consecutive matching events under its own message id. Repeats are
 * counted, not refused: delivery is at least once.
 */
export function verifyWebhookDeliveries(input: WebhookCheckInput): WebhookDeliveryReport {
  const matching = input.events.filter((event) => matchesFilter(input.filter, event));
  const expected = new Map(matching.map((event) => [event.seq, event]));
  const position = new Map(matching.map((event, index) => [event.seq, index]));
  const firstReceipt = new Map<number, number>();
  const examples: string[] = [];
  const problem = (text: string) => examples.length < MAX_EXAMPLES && examples.push(text);
  const refusedByReceiver: Record<string, number> = {};
  let duplicates = 0;
  let outOfOrder = 0;
  let unexpected = 0;
  let unverified = 0;
  let highest = Number.NEGATIVE_INFINITY;

  for (const request of input.requests) {
    if (!request.verified) {
      unverified++;
      problem(`request ${request.webhookId ?? '(no webhook-id)'} refused by verifyWebhook: ${request.refusal ?? 'unknown'}`);
    }
    if (typeof request.answer !== 'number' || request.answer < 200 || request.answer >= 300) {
      const key = String(request.answer);
      refusedByReceiver[key] = (refusedByReceiver[key] ?? 0) + 1;
      continue;
    }
    const events = request.events ?? [];
    const seqs = events.map((event) => event.seq);
    const first = seqs[0];
    const last = seqs.at(-1);
    const batch = request.type === WEBHOOK_BATCH_TYPE;
    const messageId = first === undefined || last === undefined ? undefined : batch ? webhookBatchMessageId(input.endpointId, input.epoch, first, last) : webhookMessageId(input.endpointId, input.epoch, first);
    const consecutive = seqs.every((seq, i) => position.has(seq) && (i === 0 || position.get(seq) === (position.get(seqs[i - 1]!) ?? -2) + 1));
    if (messageId === undefined || !consecutive || events.some((event) => event.epoch !== input.epoch) || request.webhookId !== messageId || (!batch && events.length !== 1)) {
      unexpected++;
      problem(`accepted ${request.type ?? 'a message'} ${request.webhookId ?? ''} (seqs ${seqs.join(', ') || 'none'}, epoch ${String(events[0]?.epoch)}) that the endpoint was not to receive`);
      continue;
    }
    for (const seq of seqs) {
      if (firstReceipt.has(seq)) {
        duplicates++;
        continue;
      }
      firstReceipt.set(seq, request.at);
      if (seq < highest) {
        outOfOrder++;
        problem(`seq ${seq} first received after seq ${highest}`);
      }
      highest = Math.max(highest, seq);
    }
  }

  const missing = [...expected.keys()].filter((seq) => !firstReceipt.has(seq));
  if (missing.length > 0) problem(`${missing.length} events never received, e.g. seqs ${missing.slice(0, 5).join(', ')}`);
  const latencies = [...firstReceipt].map(([seq, at]) => Math.round(at - (expected.get(seq)?.occurredAt ?? at))).sort((a, b) => a - b);
  return {
    expected: expected.size,
    received: firstReceipt.size,
    lost: missing.length,
    duplicates,
    outOfOrder,
    unexpected,
    unverified,
    refusedByReceiver,
    latencyMs: latencies.length === 0 ? undefined : { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies.at(-1) ?? 0 },
    examples,
  };
}

/** Nearest rank of sorted values. */
function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? 0;
}
