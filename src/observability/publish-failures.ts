import type { PublishFailureHandler } from '../realtime/publishing-order-store.js';
import { MetricUnit, OrderMetric } from './metrics.js';
import type { Telemetry } from './observed-dependencies.js';

/** Counts a change that did not reach every subscriber (`PublishFailures`) and logs why. */
export const reportPublishFailure =
  ({ logger, metrics }: Telemetry): PublishFailureHandler =>
  (order, error) => {
    metrics.addMetric(OrderMetric.PublishFailures, MetricUnit.Count, 1);
    logger.warn(
      'An order change did not reach every subscriber; it is published again or caught up',
      {
        orderId: order.id,
        status: order.status,
        error,
      },
    );
  };
