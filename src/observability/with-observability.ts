import type { Context, Handler } from 'aws-lambda';
import { flushMetrics } from './metrics.js';
import type { Telemetry } from './observed-dependencies.js';

/**
 * Wraps an async Lambda handler: before each invocation the logger forgets the previous one's
 * keys and takes the request id, function details and cold-start flag from the context; the
 * first invocation also emits a `ColdStart` metric (Powertools does so only where Lambda reports
 * an on-demand environment); after each, buffered metrics are flushed, whether the handler
 * answered or threw.
 *
 * @example
 * ```ts
 * const telemetry = createTelemetry('order-processor');
 * export const handler = withObservability(async (event: SQSEvent) => {
 *   // … telemetry.metrics.addMetric('OrdersProcessed', MetricUnit.Count, 1);
 * }, telemetry);
 * ```
 */
export function withObservability<TEvent, TResult>(
  handler: Handler<TEvent, TResult>,
  { logger, metrics }: Telemetry,
): Handler<TEvent, TResult> {
  let coldStart = true;
  return async (event: TEvent, context: Context) => {
    logger.resetKeys();
    logger.addContext(context);
    if (coldStart) {
      coldStart = false;
      metrics.captureColdStartMetric(context.functionName);
    }
    try {
      // Handlers given here are async (they return a promise and never use the callback).
      return (await handler(event, context, () => undefined)) as TResult;
    } finally {
      flushMetrics(metrics);
    }
  };
}
