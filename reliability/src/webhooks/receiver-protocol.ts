/*
 * What a webhook receiver process (receiver-main.ts) and the test process that drives it
 * (receiver-process.ts) say to each other over the IPC channel.
 */

/** How the receiver answers from now on: 2xx once the delivery is verified, 500, or never (the request is held). */
export type ReceiverMode = 'accept' | 'fail' | 'hang';

/** Test process → receiver. */
export interface ReceiverCommand {
  mode: ReceiverMode;
}

export interface ReceivedEvent {
  seq: number;
  epoch?: string;
}

/** One request as the receiver saw it, reported before it is answered. */
export interface ReceivedRequest {
  /** Epoch ms when its body had arrived. */
  at: number;
  /** The `webhook-id` header, as sent. */
  webhookId: string | null;
  /** What `verifyWebhook` said: verified, or why not (its refusal reason). */
  verified: boolean;
  refusal?: string;
  /** Of a verified body: its type (an event's, `webhook.batch` or `webhook.reset`). */
  type?: string;
  /** The events it carries, in the body's order: one, a batch's, none for a reset notice. */
  events?: ReceivedEvent[];
  /** The status it is answered with, or `hang`: held until the sender gives up. */
  answer: number | 'hang';
}

/** Receiver → test process. */
export type ReceiverReport =
  | { kind: 'listening'; pid: number }
  | { kind: 'mode'; mode: ReceiverMode }
  | { kind: 'request'; request: ReceivedRequest };

/** The environment a receiver process reads its settings from. */
export const RECEIVER_PORT_ENV = 'LIVECART_RECEIVER_PORT';
export const RECEIVER_SECRET_ENV = 'LIVECART_RECEIVER_SECRET';
