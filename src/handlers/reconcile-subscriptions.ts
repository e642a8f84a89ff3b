import type { ScheduledEvent } from 'aws-lambda';
import {
  type BudgetPolicy,
  budgetFor,
  remainingBudgetMs,
  withCallBudget,
} from '../adapters/aws/call-budget.js';
import { createAwsClients } from '../adapters/aws/clients.js';
import { DynamoDbOrderStore } from '../adapters/aws/dynamodb-order-store.js';
import { createRealtimeDependencies } from '../adapters/aws/realtime-dependencies.js';
import { parseConsumerConfig, parseRealtimeConfig, type RealtimeConfig } from '../config.js';
import { orderSchema } from '../graphql/order-schema.js';
import { MetricUnit, OrderMetric } from '../observability/metrics.js';
import { createTelemetry } from '../observability/telemetry.js';
import { withObservability } from '../observability/with-observability.js';
import { type ReconcileSummary, reconcileSubscriptions } from '../realtime/reconcile.js';

/** A run's calls end this long before the invocation (50 s), so that it reports what it did. */
export const RECONCILER_CALL_BUDGET: BudgetPolicy = { capMs: 45_000, reserveMs: 2_000 };
/** No order is started with less of the budget left than this: one delivery's worth. */
const START_ORDER_MS = 3_000;

const config = parseConsumerConfig();
const realtimeConfig = parseRealtimeConfig(process.env, true) as RealtimeConfig;
const telemetry = createTelemetry('order-subscription-reconciler');
const { dynamo } = createAwsClients(config.region);
const realtime = createRealtimeDependencies(dynamo, config.region, realtimeConfig, orderSchema);
const store = new DynamoDbOrderStore(dynamo, config.tableName);

/**
 * EventBridge scheduled entry point: sends `orderUpdated` subscribers any state a publish missed,
 * so that no subscriber waits for a final status longer than one schedule interval.
 */
export const handler = withObservability<ScheduledEvent, ReconcileSummary>(async (_, context) => {
  const summary = await withCallBudget(
    budgetFor(context.getRemainingTimeInMillis(), RECONCILER_CALL_BUDGET),
    () =>
      reconcileSubscriptions(
        { ...realtime, store },
        { mayGoOn: () => remainingBudgetMs() > START_ORDER_MS },
      ),
  );
  if (summary.failed > 0) {
    telemetry.metrics.addMetric(OrderMetric.PublishFailures, MetricUnit.Count, summary.failed);
    telemetry.logger.warn('Some subscriptions could not be reconciled', { ...summary });
  } else if (summary.truncated) {
    telemetry.logger.warn('Subscriptions were left for the next run', { ...summary });
  } else {
    telemetry.logger.info('Reconciled subscriptions', { ...summary });
  }
  return summary;
}, telemetry);
