import type { Order } from './order.js';

/**
 * The work done on an order between PROCESSING and COMPLETED (payment capture, fulfilment…).
 * It may run more than once for the same order — after a crash or a redelivery — so it must be
 * idempotent.
 */
export interface OrderFulfilment {
  /**
   * Does the work for an order in PROCESSING. Throws {@link OrderRejectedError} when the order can
   * never be fulfilled (the order becomes FAILED); any other error is retried.
   */
  process(order: Order): Promise<void>;
}

/** Raised by an {@link OrderFulfilment} that gives up on an order for good. */
export class OrderRejectedError extends Error {
  constructor(
    readonly orderId: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'OrderRejectedError';
  }
}

/** Today's fulfilment: nothing to do beyond recording that the order completed. */
export const recordCompletionOnly: OrderFulfilment = {
  process: async () => {},
};
