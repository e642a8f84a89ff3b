import type { Clock, OrderNotifier, OrderQueue, OrderStore } from '../domain/ports.js';

/**
 * How administrators hear of new orders: `each`, one alert per order, sent with its queue
 * message by the request that placed it; `digest`, one alert per sweep listing the orders
 * received since the last (the request only queues the order).
 */
export type AlertMode = 'each' | 'digest';

/** The ports every use case is given. */
export interface OrderDependencies {
  readonly store: OrderStore;
  readonly queue: OrderQueue;
  readonly notifier: OrderNotifier;
  readonly clock: Clock;
  /** @default 'each' */
  readonly alerts?: AlertMode;
}
