import { z } from 'zod';

/** Machine-readable reasons a request failed; `message` carries the human-readable one. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'BAD_CURSOR',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'OUT_OF_STOCK',
  'PRICE_CHANGED',
  'CART_EMPTY',
  'INVALID_TRANSITION',
  'PAYMENT_DECLINED',
  'VERSION_MISMATCH',
  'IDEMPOTENCY_KEY_REUSED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'TIMEOUT',
  'INTERNAL',
] as const;
export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ErrorDetailSchema = z.object({
  /** Where the bad value was: `body.items[0].quantity`, `query.limit`, `headers.if-match`. */
  field: z.string().max(200),
  message: z.string().max(1_000),
});
export type ErrorDetail = z.infer<typeof ErrorDetailSchema>;

/** The one body of every 4xx and 5xx response. */
export const ErrorEnvelopeSchema = z.object({
  statusCode: z.int().min(400).max(599),
  error: z.string().max(100),
  code: ErrorCodeSchema,
  message: z.string().max(2_000),
  details: z.array(ErrorDetailSchema).max(100).optional(),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;
