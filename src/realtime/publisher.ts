import type { Order } from '../domain/order.js';
import type { Deliver } from './delivery.js';
import {
  ALL_ORDERS,
  type ConnectionGateway,
  customerTopic,
  orderTopic,
  type SubscriptionRecord,
  type SubscriptionRegistry,
} from './ports.js';

/** Raised when the subscribers of an order could not be looked up: nobody was sent the change. */
export class SubscriberLookupError extends Error {
  constructor(
    readonly orderId: string,
    options?: ErrorOptions,
  ) {
    super(`Order ${orderId}: its subscribers could not be looked up.`, options);
    this.name = 'SubscriberLookupError';
  }
}

/** Raised when an order change could not reach some subscribers; the others got it. */
export class PublishError extends Error {
  constructor(
    readonly orderId: string,
    readonly failed: number,
    readonly causes: readonly unknown[],
    /** Of the `failed`, those that could not be disconnected either, so they were not told. */
    readonly untold = 0,
  ) {
    super(`Order ${orderId}: ${failed} subscriber(s) could not be sent the change.`, {
      cause: causes[0],
    });
    this.name = 'PublishError';
  }
}

/**
 * Whether a publish failure left some subscriber neither sent the change nor told (by being
 * disconnected) that it missed one, so that publishing again is the only way to reach it.
 */
export const leftSubscribersUntold = (error: unknown): boolean =>
  !(error instanceof PublishError) || error.untold > 0;

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
 * concurrently, looking them up for each change. A subscriber the change could not be sent to
 * (other than a gone one) is disconnected, so that the client knows to reconnect and read the
 * current state rather than wait for an event that will not come; then the failure is thrown as
 * a {@link PublishError} ({@link SubscriberLookupError} when nobody could be looked up).
 */
export function createOrderPublisher(options: PublisherOptions): PublishOrderChange {
  return (order) => createPublishSession(options)(order);
}

/**
 * A publisher for the changes of one order made in quick succession (one processing of it): the
 * subscribers are looked up on the first change and that list serves the later ones. A failed
 * lookup fails every change of the session without asking again. A subscription made after the
 * lookup misses nothing: it is sent the current state when it subscribes (`orderUpdated`) or
 * reads it (lists), and the reconciler catches `orderUpdated` up.
 */
export function createPublishSession({
  registry,
  gateway,
  deliver,
}: PublisherOptions): PublishOrderChange {
  let subscribers: Promise<SubscriptionRecord[]> | undefined;
  const dropped = new Set<string>();
  return async (order) => {
    subscribers ??= registry
      .subscribersOf([orderTopic(order.id), customerTopic(order.customerId), ALL_ORDERS])
      .catch((error: unknown) => {
        throw new SubscriberLookupError(order.id, { cause: error });
      });
    const current = (await subscribers).filter((s) => !dropped.has(s.connectionId));
    const results = await Promise.allSettled(current.map((s) => deliver(s, order)));
    const causes: unknown[] = [];
    let untold = 0;
    await Promise.all(
      results.map(async (result, i) => {
        if (result.status === 'fulfilled') return;
        causes.push(result.reason);
        const connectionId = current[i]?.connectionId ?? '';
        dropped.add(connectionId);
        try {
          await gateway.close(
            connectionId,
            DELIVERY_FAILED_CLOSE.code,
            DELIVERY_FAILED_CLOSE.reason,
          );
        } catch {
          untold += 1;
        }
        await registry.removeConnection(connectionId).catch(() => undefined);
      }),
    );
    if (causes.length > 0) throw new PublishError(order.id, causes.length, causes, untold);
  };
}
