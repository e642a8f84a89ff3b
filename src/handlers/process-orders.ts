import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type BudgetPolicy, budgetFor, withCallBudget } from '../adapters/aws/call-budget.js';
import { HTTP_TIMEOUTS } from '../adapters/aws/client-options.js';
import { toDocumentClient } from '../adapters/aws/document-client.js';
import { DynamoDbOrderStore } from '../adapters/aws/dynamodb-order-store.js';
import { createRealtimeDependencies } from '../adapters/aws/realtime-dependencies.js';
import { SqsFailedRecordRouter } from '../adapters/aws/sqs-failed-records.js';
import { parseConsumerConfig, parseRealtimeConfig } from '../config.js';
import { createConsumerHandler } from '../consumer/create-consumer-handler.js';
import { recordCompletionOnly } from '../domain/order-processing.js';
import { orderSchema } from '../graphql/order-schema.js';
import { MetricUnit, OrderMetric } from '../observability/metrics.js';
import { reportPublishFailure } from '../observability/publish-failures.js';
import { createTelemetry } from '../observability/telemetry.js';
import { withObservability } from '../observability/with-observability.js';
import { publishingOrderProcessor } from '../realtime/publishing-order-processor.js';

/** The consumer's calls end this long before the invocation, so that it always reports its batch. */
const CONSUMER_CALL_BUDGET: BudgetPolicy = { capMs: Number.POSITIVE_INFINITY, reserveMs: 1_500 };

const config = parseConsumerConfig();
const telemetry = createTelemetry('order-processor');
const { logger, metrics } = telemetry;
// No SNS client: it would add to the bundle and the cold start for nothing.
const dynamo = toDocumentClient(new DynamoDBClient({ region: config.region, ...HTTP_TIMEOUTS }));
const failures =
  config.queues &&
  new SqsFailedRecordRouter(
    new SQSClient({ region: config.region, ...HTTP_TIMEOUTS, useQueueUrlAsEndpoint: false }),
    config.queues.queueUrl,
    config.queues.deadLetterQueueUrl,
  );
const realtimeConfig = parseRealtimeConfig();
const stored = new DynamoDbOrderStore(dynamo, config.tableName);
const consume = createConsumerHandler({
  deps: { store: stored, clock: () => new Date(), fulfilment: recordCompletionOnly },
  // Orders reach subscribers when the stack has a WebSocket API.
  ...(realtimeConfig && {
    process: publishingOrderProcessor({
      session: createRealtimeDependencies(dynamo, config.region, realtimeConfig, orderSchema)
        .session,
      onFailure: reportPublishFailure(telemetry),
    }),
  }),
  logger,
  meter: {
    orderProcessed: () => metrics.addMetric(OrderMetric.OrdersProcessed, MetricUnit.Count, 1),
    recordFailed: () => metrics.addMetric(OrderMetric.ConsumerFailures, MetricUnit.Count, 1),
    deadLettered: () => metrics.addMetric(OrderMetric.PoisonMessages, MetricUnit.Count, 1),
  },
  ...(failures && { failures }),
});

/** SQS event source entry point of the order queue; reports partial batch failures. */
export const handler = withObservability<SQSEvent, SQSBatchResponse>(
  (event, context) =>
    withCallBudget(budgetFor(context.getRemainingTimeInMillis(), CONSUMER_CALL_BUDGET), () =>
      consume(event, context),
    ),
  telemetry,
);
