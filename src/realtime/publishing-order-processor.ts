import {
  type ProcessRecordOrder,
  RedeliveryWantedError,
} from '../consumer/create-consumer-handler.js';
import type { Order } from '../domain/order.js';
import type { OrderStore } from '../domain/ports.js';
import { processOrder } from '../use-cases/process-order.js';
import { leftSubscribersUntold, type PublishOrderChange } from './publisher.js';
import type { PublishFailureHandler } from './publishing-order-store.js';

export interface PublishingProcessorOptions {
  /** A publisher for one processing of one order (see `createPublishSession`). */
  readonly session: () => PublishOrderChange;
  readonly onFailure: PublishFailureHandler;
  /**
   * On its first this-many receives, a record whose changes left subscribers untold fails, so
   * that the queue delivers it again and the redelivery publishes the order's current state;
   * later receives report the failure and let the record go, so that publishing never pushes a
   * processed order's message, or the messages of its group held behind it, into the dead-letter
   * queue. @default 3 (with the consumer's retry delays, about 42 s)
   */
  readonly retryReceives?: number;
}

/**
 * The order processor with subscribers told of every state it reads or makes: the order's
 * RECEIVED state when it first reads it (before its first transition: the request that placed
 * the order publishes nothing), each status change, and — when the order was already finished or
 * cancelled (a redelivery, a cancel that won) — its current state again. The subscribers are
 * looked up once per processing. Processing goes on when publishing fails; the record fails at
 * the end (see {@link PublishingProcessorOptions.retryReceives}).
 */
export function publishingOrderProcessor({
  session,
  onFailure,
  retryReceives = 3,
}: PublishingProcessorOptions): ProcessRecordOrder {
  return async (deps, orderId, receiveCount) => {
    const publish = session();
    const failures: unknown[] = [];
    const announce = (order: Order) =>
      publish(order).catch((error: unknown) => {
        failures.push(error);
      });
    let announced = false;
    const store: OrderStore = Object.create(deps.store);
    store.get = async (id) => {
      const order = await deps.store.get(id);
      if (order?.status === 'RECEIVED' && !announced) {
        announced = true;
        await announce(order);
      }
      return order;
    };
    store.transition = async (change) => {
      const order = await deps.store.transition(change);
      announced = true;
      await announce(order);
      return order;
    };
    const processed = await processOrder({ ...deps, store }, orderId);
    if (processed.outcome === 'unchanged') await announce(processed.order);
    const untold = failures.find(leftSubscribersUntold);
    if (failures.length > 0) onFailure(processed.order, untold ?? failures[0]);
    if (untold !== undefined && receiveCount <= retryReceives)
      throw new RedeliveryWantedError(processed, { cause: untold });
    return processed;
  };
}
