import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Order } from '../domain/order.js';
import type { OrderDependencies } from '../use-cases/dependencies.js';
import { MetricUnit, OrderMetric } from './metrics.js';

/** Where the observed dependencies report. */
export interface Telemetry {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Wraps the use cases' ports so that what happens to orders is logged and measured without the
 * domain knowing: a stored order counts as placed (`OrdersPlaced`, `OrderValue` with its currency as metadata) and puts its id
 * on every later log line of the invocation; a failed queue send or alert publish counts as a
 * `DispatchFailures` and is logged. Results and errors pass through unchanged.
 */
export function observeOrderDependencies(
  deps: OrderDependencies,
  { logger, metrics }: Telemetry,
): OrderDependencies {
  const { store, queue, notifier } = deps;
  const dispatchFailed = (sideEffect: 'queue' | 'alert', order: Order, error: unknown) => {
    metrics.addMetric(OrderMetric.DispatchFailures, MetricUnit.Count, 1);
    logger.warn('An order side effect failed; a retry or the sweeper completes it', {
      sideEffect,
      orderId: order.id,
      error,
    });
  };
  return {
    ...deps,
    store: {
      get: (id) => store.get(id),
      listByCustomer: (query) => store.listByCustomer(query),
      listByStatus: (query) => store.listByStatus(query),
      pendingShards: store.pendingShards,
      markDispatched: (id, dispatch, at, releaseClaim) =>
        store.markDispatched(id, dispatch, at, releaseClaim),
      claimDispatch: (id, claim, now) => store.claimDispatch(id, claim, now),
      transition: (change) => store.transition(change),
      listUndispatched: (query) => store.listUndispatched(query),
      deferSweep: (id, attempts, until) => store.deferSweep(id, attempts, until),
      listOpen: (query) => store.listOpen(query),
      readDispatchStates: (ids) => store.readDispatchStates(ids),
      markPending: (id) => store.markPending(id),
      openScanWatermarks: () => store.openScanWatermarks(),
      advanceOpenScan: (shard, position) => store.advanceOpenScan(shard, position),
      async create(order: Order): Promise<void> {
        logger.appendKeys({ orderId: order.id });
        await store.create(order);
        metrics.addMetric(OrderMetric.OrdersPlaced, MetricUnit.Count, 1);
        metrics.addMetric(OrderMetric.OrderValue, MetricUnit.NoUnit, order.total.amount);
        // Metadata, not a dimension: a dimension here would split OrdersPlaced by currency too,
        // and a separate metric blob costs a Metrics instance per order.
        metrics.addMetadata('currency', order.total.currency);
        logger.info('Order placed', {
          customerId: order.customerId,
          total: order.total.amount,
          currency: order.total.currency,
          lines: order.items.length,
        });
      },
    },
    queue: {
      async enqueue(order: Order): Promise<void> {
        try {
          await queue.enqueue(order);
        } catch (error) {
          dispatchFailed('queue', order, error);
          throw error;
        }
      },
    },
    notifier: {
      async announce(order: Order): Promise<void> {
        try {
          await notifier.announce(order);
        } catch (error) {
          dispatchFailed('alert', order, error);
          throw error;
        }
      },
      async announceDigest(orders: readonly Order[]): Promise<void> {
        try {
          await notifier.announceDigest(orders);
        } catch (error) {
          metrics.addMetric(OrderMetric.DispatchFailures, MetricUnit.Count, 1);
          logger.warn('An alert digest failed; the next sweep lists its orders again', {
            sideEffect: 'alertDigest',
            orders: orders.length,
            error,
          });
          throw error;
        }
      },
    },
  };
}
