import type { Order } from '../domain/order.js';
import type { Deliver } from './delivery.js';
import {
  ALL_ORDERS,
  type ConnectionGateway,
  customerTopic,
  orderTopic,
  type SubscriptionRegistry,
} from './ports.js';

/** Raised when an order change could not reach some subscribers; the others got it. */
export class PublishError extends Error {
  constructor(
    readonly orderId: string,
    readonly failed: number,
    readonly causes: readonly unknown[],
  ) {
    super(`Order ${orderId}: ${failed} subscriber(s) could not be sent the change.`, {
      cause: causes[0],
    });
    this.name = 'PublishError';
  }
}

/** Sends an order's new state to everyone subscribed to it. */
export type PublishOrderChange = (order: Order) => Promise<void>;

export interface PublisherOptions {
  readonly registry: SubscriptionRegistry;
  readonly gateway: ConnectionGateway;
  readonly deliver: Deliver;
}

/** Code a connection is closed with when a change could not be sent to it. */
export const DELIVERY_FAILED_CLOSE = { code: 4500, reason: 'An update could not be delivered' };

/**
 * Publishes an order change to the subscribers of that order, of its customer and of all orders,
 * concurrently. A subscriber the change could not be sent to (other than a gone one) is
 * disconnected, so that the client knows to reconnect and read the current state rather than
 * wait for an event that will not come; then the failure is thrown as a {@link PublishError}.
 */
export function createOrderPublisher({
  registry,
  gateway,
  deliver,
}: PublisherOptions): PublishOrderChange {
  return async (order) => {
    const subscribers = await registry.subscribersOf([
      orderTopic(order.id),
      customerTopic(order.customerId),
      ALL_ORDERS,
    ]);
    const results = await Promise.allSettled(subscribers.map((s) => deliver(s, order)));
    const causes: unknown[] = [];
    await Promise.all(
      results.map(async (result, i) => {
        if (result.status === 'fulfilled') return;
        causes.push(result.reason);
        const connectionId = subscribers[i]?.connectionId ?? '';
        await gateway
          .close(connectionId, DELIVERY_FAILED_CLOSE.code, DELIVERY_FAILED_CLOSE.reason)
          .catch(() => undefined);
        await registry.removeConnection(connectionId).catch(() => undefined);
      }),
    );
    if (causes.length > 0) throw new PublishError(order.id, causes.length, causes);
  };
}
