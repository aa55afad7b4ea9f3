import type { ErrorCode, ErrorDetail } from '@livecart/schemas';

/**
 * A failure the caller can act on. Services throw these; the errors plugin is the one place that turns
 * them (and every other failure) into an HTTP status and the error envelope.
 */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly statusCode: number;
  readonly details: ErrorDetail[] | undefined;
  /** Fields the answer carries beside the envelope's, where the route's response schema names them. */
  extra: Record<string, unknown> | undefined;

  constructor(message: string, details?: ErrorDetail[]) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export class BadRequestError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  readonly statusCode = 400;
}

/** Well-formed input that the current data makes impossible (unknown product in an order, mixed currencies). */
export class UnprocessableError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  readonly statusCode = 422;
}

export class BadCursorError extends DomainError {
  readonly code = 'BAD_CURSOR';
  readonly statusCode = 400;
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly statusCode = 404;
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
  readonly statusCode = 409;
}

export class OutOfStockError extends DomainError {
  readonly code = 'OUT_OF_STOCK';
  readonly statusCode = 409;
}

/** The cart's total is not the one the shopper confirmed at checkout; the answer carries the cart as it is now. */
export class PriceChangedError extends DomainError {
  readonly code = 'PRICE_CHANGED';
  readonly statusCode = 409;
}

/** A checkout of a session that has no cart, or an empty one. */
export class CartEmptyError extends DomainError {
  readonly code = 'CART_EMPTY';
  readonly statusCode = 409;
}

/** The order's status does not allow the action (the state machine in @livecart/schemas/order decides). */
export class InvalidTransitionError extends DomainError {
  readonly code = 'INVALID_TRANSITION';
  readonly statusCode = 409;

  constructor(
    readonly current: string,
    readonly attempted: string,
    message = `an order that is ${current} cannot become ${attempted}`,
  ) {
    super(message, [
      { field: 'status', message: current },
      { field: 'attemptedStatus', message: attempted },
    ]);
  }
}

/** The payment provider refused the payment (a declined card); the order still waits for one. */
export class PaymentDeclinedError extends DomainError {
  readonly code = 'PAYMENT_DECLINED';
  readonly statusCode = 402;
}

export class VersionMismatchError extends DomainError {
  readonly code = 'VERSION_MISMATCH';
  readonly statusCode = 412;
}

/** A write that must be conditional came without a precondition (RFC 6585 §3): nothing was changed. */
export class PreconditionRequiredError extends DomainError {
  readonly code = 'PRECONDITION_REQUIRED';
  readonly statusCode = 428;
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  readonly statusCode = 422;
}

/** An `Expect` header the server does not meet (anything but 100-continue). */
export class ExpectationFailedError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  readonly statusCode = 417;
}

export class UnauthorizedError extends DomainError {
  readonly code = 'UNAUTHORIZED';
  readonly statusCode = 401;
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
  readonly statusCode = 403;
}

export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';
  readonly statusCode = 429;

  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests; retry in ${retryAfterSeconds} s`);
  }
}

export class ServiceUnavailableError extends DomainError {
  readonly code = 'SERVICE_UNAVAILABLE';
  readonly statusCode = 503;
}

/** The failure a first request with an Idempotency-Key ended in, replayed as it was stored. */
export class ReplayedError extends DomainError {
  constructor(
    readonly code: ErrorCode,
    readonly statusCode: number,
    message: string,
    details?: ErrorDetail[],
  ) {
    super(message, details);
  }
}
