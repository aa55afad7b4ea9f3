export { backoffDelay, type BackoffOptions } from './backoff.js';
export {
  type ConnectionState,
  DEFAULT_EPOCH_REFETCH_SPREAD_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_SILENCE_MS,
  MAX_TOKEN_REFUSALS,
  RATE_LIMITED_DELAY_MS,
  RealtimeClient,
  type RealtimeClientOptions,
  type RealtimeError,
  type RealtimeReset,
  type StreamPosition,
} from './realtime-client.js';
export { isOrderEvent, type PrivateEvent } from './received-message.js';
export type { RealtimeSocket, RealtimeSocketConstructor } from './socket.js';
