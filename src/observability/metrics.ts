import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DEFAULT_SERVICE_NAME } from './logger.js';

/** The CloudWatch namespace of the order system's metrics when none is configured. */
export const DEFAULT_METRICS_NAMESPACE = 'OrderProcessing';

/** Names of the order system's metrics; the dashboard and alarms use the same. */
export const OrderMetric = {
  /** Orders accepted (stored) by placeOrder; replays of an idempotency key are not counted. Count. */
  OrdersPlaced: 'OrdersPlaced',
  /** Total of each accepted order in minor units; its currency is in the `currency` metadata. No unit. */
  OrderValue: 'OrderValue',
  /** Queue sends and alert publishes that failed; a retry or the sweeper completes them. Count. */
  DispatchFailures: 'DispatchFailures',
  /** Orders the order processor moved to COMPLETED or FAILED (redeliveries not counted). Count. */
  OrdersProcessed: 'OrdersProcessed',
  /** Queue records the order processor failed on; each is delivered again or dead-lettered. Count. */
  ConsumerFailures: 'ConsumerFailures',
  /** Errors sent to GraphQL clients, by `code` dimension (`extensions.code`). Count. */
  GraphqlErrors: 'GraphqlErrors',
  /** Pending orders older than the sweeper's stranded threshold that one sweep left pending. Count. */
  StrandedOrders: 'StrandedOrders',
  /** Queue records that can never succeed, moved to the dead-letter queue at once. Count. */
  PoisonMessages: 'PoisonMessages',
  /** Order changes stored but not sent to every subscriber (the reconciler catches up). Count. */
  PublishFailures: 'PublishFailures',
} as const;
export type OrderMetric = (typeof OrderMetric)[keyof typeof OrderMetric];

export { MetricUnit };

export interface CreateMetricsOptions {
  /** @default `POWERTOOLS_METRICS_NAMESPACE`, else `OrderProcessing` */
  readonly namespace?: string;
  /** The `service` dimension. @default `POWERTOOLS_SERVICE_NAME`, else `order-api` */
  readonly serviceName?: string;
}

/**
 * A Powertools Metrics instance writing CloudWatch embedded metric format to stdout. Metrics
 * added during an invocation are buffered; flush them once per invocation with
 * {@link flushMetrics} (`withObservability` does).
 */
export function createMetrics(
  options: CreateMetricsOptions = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): Metrics {
  return new Metrics({
    namespace: options.namespace ?? env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE,
    serviceName: options.serviceName ?? env.POWERTOOLS_SERVICE_NAME ?? DEFAULT_SERVICE_NAME,
  });
}

/**
 * Records one error sent to a GraphQL client as `GraphqlErrors` with a `code` dimension (beside
 * `service`), so alarms can watch the codes that mean the system is at fault. It is written at
 * once as its own record, since its dimensions differ from the invocation's other metrics.
 */
export function countGraphqlError(metrics: Metrics, code: string): void {
  const single = metrics.singleMetric();
  single.addDimension('code', code);
  single.addMetric(OrderMetric.GraphqlErrors, MetricUnit.Count, 1);
}

/** Publishes the buffered metrics, if any (an empty flush would only log a warning). */
export function flushMetrics(metrics: Metrics): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
