export {
  createLivecartClient,
  LivecartApiError,
  unwrap,
  type ApiErrorCode,
  type ApiErrorEnvelope,
  type components,
  type LivecartClient,
  type LivecartClientOptions,
  type operations,
  type paths,
} from './client.js';
export { etagOf, eventPositionOf, isIdempotentReplay, isNotModified, newIdempotencyKey, type EventPosition } from './http-headers.js';
