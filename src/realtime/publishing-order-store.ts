import type { Order } from '../domain/order.js';
import type { OrderStore } from '../domain/ports.js';
import { leftSubscribersUntold, type PublishOrderChange } from './publisher.js';

/** Told when a change was stored but not published; the store's caller is not failed for it. */
export type PublishFailureHandler = (order: Order, error: unknown) => void;

export interface PublishingStoreOptions {
  readonly onFailure: PublishFailureHandler;
  /**
   * Hands a change whose publish left subscribers untold to the order processor, which publishes
   * the order's current state when it reads it and retries until that succeeds: in AWS the
   * order's queue message, sent again.
   */
  readonly republish: (order: Order) => Promise<void>;
}

/**
 * An {@link OrderStore} that publishes each status change it makes (a cancel, in the API) once
 * its conditional write succeeded. New orders are not published here: the order processor
 * announces an order's RECEIVED state when it first reads it, so that the creating request
 * waits for no subscriber lookup. The write stays the source of truth: a failed publish is
 * reported, never thrown; a change that some subscriber was not told of is handed to
 * `republish`.
 */
export function publishingOrderStore(
  store: OrderStore,
  publish: PublishOrderChange,
  { onFailure, republish }: PublishingStoreOptions,
): OrderStore {
  // Every other method is the store's own, whatever the port grows to.
  const publishing: OrderStore = Object.create(store);
  publishing.transition = async (change) => {
    const order = await store.transition(change);
    try {
      await publish(order);
    } catch (error) {
      onFailure(order, error);
      if (leftSubscribersUntold(error))
        await republish(order).catch((republishError: unknown) => onFailure(order, republishError));
    }
    return order;
  };
  return publishing;
}
