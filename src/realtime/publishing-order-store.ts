import type { Order } from '../domain/order.js';
import type { OrderStore } from '../domain/ports.js';
import type { PublishOrderChange } from './publisher.js';

/** Told when a change was stored but not published; the store's caller is not failed for it. */
export type PublishFailureHandler = (order: Order, error: unknown) => void;

/**
 * An {@link OrderStore} that publishes each stored change to subscribers once its conditional
 * write succeeded: a new order and every status change. The write stays the source of truth: a
 * failed publish is reported, never thrown, and subscribers of the order catch up through the
 * reconciler. Publishing is awaited, so a change reaches subscribers before the caller goes on
 * (an order's RECEIVED event precedes its queue message and so its PROCESSING event).
 */
export function publishingOrderStore(
  store: OrderStore,
  publish: PublishOrderChange,
  onFailure: PublishFailureHandler,
): OrderStore {
  const publishSafely = async (order: Order) => {
    try {
      await publish(order);
    } catch (error) {
      onFailure(order, error);
    }
  };
  // Every other method is the store's own, whatever the port grows to.
  const publishing: OrderStore = Object.create(store);
  publishing.create = async (order) => {
    await store.create(order);
    await publishSafely(order);
  };
  publishing.transition = async (change) => {
    const order = await store.transition(change);
    await publishSafely(order);
    return order;
  };
  return publishing;
}
