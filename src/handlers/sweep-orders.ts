import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { createAwsClients } from '../adapters/aws/clients.js';
import { createOrderDependencies } from '../adapters/aws/order-dependencies.js';
import { parseConfig } from '../config.js';
import { type SweepSummary, sweepOrders } from '../use-cases/sweep-orders.js';

const config = parseConfig();
const logger = new Logger({ serviceName: 'order-sweeper' });
const deps = createOrderDependencies(createAwsClients(config.region), config);

/**
 * EventBridge scheduled entry point: re-dispatches orders whose side effects never completed.
 * Orders that still fail stay pending for the next run; only an unreadable index fails the run.
 */
export async function handler(event: ScheduledEvent, context: Context): Promise<SweepSummary> {
  logger.addContext(context);
  const summary = await sweepOrders(deps);
  const { failedOrderIds, ...counts } = summary;
  if (summary.failed > 0) {
    logger.warn('Some pending orders could not be dispatched', { ...counts, failedOrderIds });
  } else {
    logger.info('Swept pending orders', { ...counts, scheduledAt: event.time });
  }
  return summary;
}
