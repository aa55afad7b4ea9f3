import { CLOSE_CODES, PROTOCOL_VERSION, type RESET_REASONS, SUBPROTOCOL_JSON, SUBPROTOCOL_MSGPACK, type RealtimeErrorCode } from './realtime.js';
import { REALTIME_TOKEN_MAX_LIFETIME_S } from './realtime-token.js';

/*
 * The prose of the AsyncAPI document. Each table is typed by the list it explains, so a new error code,
 * reset reason or close code does not compile until it is described here.
 */

export const ERROR_CODE_TEXT: Record<RealtimeErrorCode, string> = {
  bad_json: 'the frame is not JSON',
  bad_message: 'unknown `type`, a wrong shape, or MessagePack that does not decode',
  bad_topic: 'a topic that is none of the six kinds (the message names which)',
  too_many_topics: 'the subscription would pass `limits.maxTopicsPerConnection`: nothing of that request is subscribed',
  rate_limited: 'over `limits.maxMessagesPerSecond`: that message was dropped (again soon after: close 4429)',
  unsupported_frame: 'a binary frame in a JSON session or a text frame in a MessagePack one; the close 1008 follows',
  internal: 'the server failed to handle the message; try again',
  token_required: 'a private topic (`order:<id>`, `cart:<id>`, `webhook_endpoint:<id>`) without `token`',
  token_invalid: `the token is malformed, forged, tampered with, signed by a key the server no longer holds, issued in the future or living longer than ${REALTIME_TOKEN_MAX_LIFETIME_S / 60} minutes`,
  token_expired: 'the token is past its `exp`: mint a fresh one',
  topic_forbidden: 'the token is valid but does not grant every private topic named',
};

export const RESET_REASON_TEXT: Record<(typeof RESET_REASONS)[number], string> = {
  history_trimmed: 'the stream no longer holds every event after `since` (trimmed, or further back than the server replays)',
  replay_failed: 'reading the history failed',
  epoch_changed: 'the event history began a new epoch (a database restore or failover), or `since` named another epoch than the server\'s',
};

export const CLOSE_CODE_TEXT: Record<keyof typeof CLOSE_CODES, string> = {
  GOING_AWAY: 'the instance is shutting down: reconnect (another instance answers) and resume with `since`',
  POLICY_VIOLATION: 'protocol abuse, e.g. a binary frame in a JSON session: fix the client',
  MESSAGE_TOO_BIG: 'a frame larger than `limits.maxPayloadBytes`: fix the client',
  SLOW_CONSUMER: 'the client read too slowly and its backlog passed the cap: reconnect and resume with `since`',
  HEARTBEAT_TIMEOUT: 'no answer to the heartbeat pings: reconnect and resume',
  RATE_LIMITED: 'over the message rate again after a `rate_limited` error: back off before reconnecting',
};

const table = (head: string, rows: [string, string][]) => [head, '|---|---|', ...rows.map(([key, text]) => `| \`${key}\` | ${text} |`)].join('\n');

export const ERROR_CODES_TABLE = table(
  '| code | why |',
  Object.entries(ERROR_CODE_TEXT),
);

export const RESET_REASONS_TABLE = table('| reason | why |', Object.entries(RESET_REASON_TEXT));

const CLOSE_CODES_TABLE = table(
  '| code | why |',
  Object.entries(CLOSE_CODE_TEXT).map(([name, text]) => [String(CLOSE_CODES[name as keyof typeof CLOSE_CODES]), text]),
);

export const RESUME_TEXT = `**Resume.** Keep the highest \`seq\` applied and the \`epoch\` it belongs to. After a reconnect (to any
instance), \`subscribe\` with \`since\` = that seq and \`epoch\`: the missed events of those topics are replayed in
\`seq\` order before \`subscribed\`, and live events follow with no gap and no duplicate. When the history no longer
covers \`since\`, \`reset\` comes instead of the replay: refetch a snapshot of those topics (the API returns
\`X-Event-Seq\` and \`X-Event-Epoch\` with reads), then carry on from \`reset.seq\`. Delivery is at least once across
reconnects: drop every event whose \`seq\` is not above the last one applied.`;

export const EPOCH_TEXT = `**Epochs.** A \`seq\` is only comparable within one epoch (a uuid, in \`welcome\`, \`subscribed\`, \`reset\` and every
event). When the event history starts again (a database restored from a backup, a failover that lost commits)
the server sends \`reset\` with \`reason: epoch_changed\`, the new \`epoch\` and \`seq\` for every topic, before any
event of the new epoch: drop what you remember by seq, refetch, and ignore late events of an older epoch. A
\`subscribe\` whose \`since\` names another epoch than the server's gets \`reset\`, never a replay; one without
\`epoch\` is taken to be of the current epoch.`;

export const PRIVATE_TEXT = `**Private topics.** \`order:<id>\` and \`cart:<id>\` belong to one shopper, \`webhook_endpoint:<id>\` to the staff
who manage webhooks. A \`subscribe\` naming one must carry
\`token\`: a realtime token the API mints for the topics' owner (\`POST /v1/realtime/tokens\` with
\`{"topics": [...]}\` answers \`{token, expiresAt}\`), valid for a few minutes and for any number of subscribes. A
refused \`subscribe\` subscribes nothing of its topics (public ones included) and gets one \`error\`
(\`token_required\`, \`token_invalid\`, \`token_expired\`, \`topic_forbidden\`). A private subscription lasts as long
as its token: at \`exp\` the server sends \`unsubscribed\` with \`reason: token_expired\`; subscribing again with a
fresh token before then extends it without a gap. An order's or a cart's events never reach \`catalog\`.`;

export const INFO_DESCRIPTION = `Live catalog, order and cart events over one WebSocket, described from the realtime server's side:
\`receive\` operations are what a client sends, \`send\` operations what it receives. Generated from the zod schemas
of \`@livecart/schemas\` (protocol version ${PROTOCOL_VERSION}).

**Connection.** Open \`/ws\` with the subprotocol \`${SUBPROTOCOL_JSON}\` (JSON text frames, the default) or
\`${SUBPROTOCOL_MSGPACK}\` (the same messages as MessagePack binary frames, both ways). Browsers send their
Origin, which must be allowed; upgrades are refused with an HTTP error envelope: 403 (Origin), 503 (connection cap,
not ready, shutting down). \`welcome\` comes first; then \`subscribe\` to topics. Messages of a connection are handled
one after the other; an \`id\` (up to 64 characters) on a request is echoed in its answer, errors included.

**Ordering.** Per connection every \`seq\` arrives at most once and a topic never sees an older \`seq\` after a newer
one; an event on several followed topics arrives once. \`event\` carries one event, \`batch\` several that were ready
at once: treat both alike. Every event carries the whole new state, so nothing needs refetching.

${RESUME_TEXT}

${EPOCH_TEXT}

${PRIVATE_TEXT}

**Compatibility.** A minor version of \`@livecart/schemas\` may add optional fields, message types, event types,
error codes and reset reasons to what the server sends: skip what you do not know, never fail on it.

**Errors** (\`error.code\`):

${ERROR_CODES_TABLE}

**Close codes:**

${CLOSE_CODES_TABLE}`;
