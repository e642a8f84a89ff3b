import type { Clock, OrderNotifier, OrderQueue, OrderStore } from '../domain/ports.js';

/** The ports every use case is given. */
export interface OrderDependencies {
  readonly store: OrderStore;
  readonly queue: OrderQueue;
  readonly notifier: OrderNotifier;
  readonly clock: Clock;
}
