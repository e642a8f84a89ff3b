import type { ScheduledEvent } from 'aws-lambda';
import { budgetFor, withCallBudget } from '../adapters/aws/call-budget.js';
import { createAwsClients } from '../adapters/aws/clients.js';
import { createOrderDependencies } from '../adapters/aws/order-dependencies.js';
import { parseConfig } from '../config.js';
import { MetricUnit, OrderMetric } from '../observability/metrics.js';
import { observeOrderDependencies } from '../observability/observed-dependencies.js';
import { createTelemetry } from '../observability/telemetry.js';
import { withObservability } from '../observability/with-observability.js';
import { SWEEP_DEFAULTS, type SweepSummary, sweepOrders } from '../use-cases/sweep-orders.js';

const config = parseConfig();
const telemetry = createTelemetry('order-sweeper');
const { logger, metrics } = telemetry;
// Observed so that dispatch failures count in the same DispatchFailures metric as the API's.
const deps = observeOrderDependencies(
  createOrderDependencies(createAwsClients(config.region), config),
  telemetry,
);

/**
 * EventBridge scheduled entry point: re-dispatches orders whose side effects never completed.
 * Orders that still fail stay pending for the next run; only an unreadable index fails the run.
 */
export const handler = withObservability<ScheduledEvent, SweepSummary>(async (event, context) => {
  const timeLeftMs = () => context.getRemainingTimeInMillis();
  // Calls stop a little before the run does, so that the summary is still logged in time.
  const budget = budgetFor(timeLeftMs(), {
    capMs: Number.POSITIVE_INFINITY,
    reserveMs: SWEEP_DEFAULTS.stopWhenLeftMs / 2,
  });
  const summary = await withCallBudget(budget, () => sweepOrders(deps, { timeLeftMs }));
  const { failedOrderIds, ...counts } = summary;
  // Emitted on every run, zero included, so that its alarm sees data while the sweeper runs.
  metrics.addMetric(OrderMetric.StrandedOrders, MetricUnit.Count, summary.stranded);
  if (summary.failed > 0) {
    logger.warn('Some pending orders could not be dispatched', { ...counts, failedOrderIds });
  } else {
    logger.info('Swept pending orders', { ...counts, scheduledAt: event.time });
  }
  return summary;
}, telemetry);
