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
  'PRECONDITION_REQUIRED',
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
}).meta({
  examples: [
    { statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: 'product 0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b does not exist' },
    { statusCode: 400, error: 'Bad Request', code: 'VALIDATION_FAILED', message: 'the request is not valid', details: [{ field: 'body.priceMinor', message: 'must be an integer amount in minor units' }] },
  ],
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;
