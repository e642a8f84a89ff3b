/** Error codes that clients see; each domain error carries one. */
export const ErrorCode = {
  BadUserInput: 'BAD_USER_INPUT',
  IdempotencyConflict: 'IDEMPOTENCY_CONFLICT',
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  OrderOutcomeUnknown: 'ORDER_OUTCOME_UNKNOWN',
  NotFound: 'NOT_FOUND',
  OrderNotCancellable: 'ORDER_NOT_CANCELLABLE',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base of every error the domain raises on purpose; its message is safe to show to a client. */
export abstract class OrderError extends Error {
  abstract readonly code: ErrorCode;
  /** Whether the same request may succeed when sent again. */
  readonly retryable: boolean = false;
  /** The input field at fault, as a path such as `input.items[2].quantity`. */
  readonly field: string | undefined = undefined;
}

export class ValidationError extends OrderError {
  readonly code = ErrorCode.BadUserInput;
  override readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'ValidationError';
    this.field = field;
  }
}

export class IdempotencyConflictError extends OrderError {
  readonly code = ErrorCode.IdempotencyConflict;
  override readonly field = 'input.idempotencyKey';
  constructor() {
    super('This idempotency key was already used for a different order.');
    this.name = 'IdempotencyConflictError';
  }
}

/** A dependency failed; the order (if any) is safe and the request may be retried. */
export class ServiceUnavailableError extends OrderError {
  readonly code = ErrorCode.ServiceUnavailable;
  override readonly retryable = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ServiceUnavailableError';
  }
}

/**
 * A request without an idempotency key whose order may or may not have been stored: the write's
 * answer was lost and the read that would tell was not answered either. Sending it again could
 * make a second order, so it is not retryable.
 */
export class OrderOutcomeUnknownError extends OrderError {
  readonly code = ErrorCode.OrderOutcomeUnknown;
  constructor(options?: ErrorOptions) {
    super(
      'The order may or may not have been stored. Look for it among your orders before placing it again, or send an idempotencyKey so that a retry is always safe.',
      options,
    );
    this.name = 'OrderOutcomeUnknownError';
  }
}

export class OrderNotFoundError extends OrderError {
  readonly code = ErrorCode.NotFound;
  override readonly field = 'id';
  constructor(readonly orderId: string) {
    super(`No order has the id ${orderId}.`);
    this.name = 'OrderNotFoundError';
  }
}

export class OrderNotCancellableError extends OrderError {
  readonly code = ErrorCode.OrderNotCancellable;
  override readonly field = 'id';
  constructor(
    readonly orderId: string,
    readonly status: string,
  ) {
    super(`Order ${orderId} is ${status} and can no longer be cancelled.`);
    this.name = 'OrderNotCancellableError';
  }
}

export class UnauthenticatedError extends OrderError {
  readonly code = ErrorCode.Unauthenticated;
  constructor(message = 'Authentication is required.', options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnauthenticatedError';
  }
}

export class ForbiddenError extends OrderError {
  readonly code = ErrorCode.Forbidden;
  override readonly field: string | undefined;
  constructor(message = 'You may not access this order.', field?: string) {
    super(message);
    this.name = 'ForbiddenError';
    this.field = field;
  }
}

/** Raised by an {@link OrderStore} when an order with the same id is already stored. */
export class OrderAlreadyExistsError extends Error {
  constructor(
    readonly orderId: string,
    options?: ErrorOptions,
  ) {
    super(`Order ${orderId} already exists.`, options);
    this.name = 'OrderAlreadyExistsError';
  }
}

/**
 * Raised by an {@link OrderStore} when a write's outcome stayed unknown: no answer came, and the
 * read that would have told whether the write was carried out failed too.
 */
export class WriteOutcomeUnknownError extends Error {
  constructor(
    readonly orderId: string,
    options?: ErrorOptions,
  ) {
    super(`Whether order ${orderId} was stored is unknown.`, options);
    this.name = 'WriteOutcomeUnknownError';
  }
}

/** Raised by an {@link OrderStore} when a status change finds the order in another status. */
export class OrderStatusConflictError extends Error {
  constructor(
    readonly orderId: string,
    options?: ErrorOptions,
  ) {
    super(`Order ${orderId} is not in the expected status.`, options);
    this.name = 'OrderStatusConflictError';
  }
}
