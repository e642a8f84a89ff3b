import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { HTTP_TIMEOUTS } from '../adapters/aws/client-options.js';
import { toDocumentClient } from '../adapters/aws/document-client.js';
import { DynamoDbOrderStore } from '../adapters/aws/dynamodb-order-store.js';
import { parseConsumerConfig } from '../config.js';
import { createConsumerHandler } from '../consumer/create-consumer-handler.js';
import { recordCompletionOnly } from '../domain/order-processing.js';
import { MetricUnit, OrderMetric } from '../observability/metrics.js';
import { createTelemetry } from '../observability/telemetry.js';
import { withObservability } from '../observability/with-observability.js';

const config = parseConsumerConfig();
const telemetry = createTelemetry('order-processor');
const { logger, metrics } = telemetry;
// Only the table: the SQS and SNS clients would add to the bundle and the cold start for nothing.
const dynamo = toDocumentClient(new DynamoDBClient({ region: config.region, ...HTTP_TIMEOUTS }));
const consume = createConsumerHandler({
  deps: {
    store: new DynamoDbOrderStore(dynamo, config.tableName),
    clock: () => new Date(),
    fulfilment: recordCompletionOnly,
  },
  logger,
  meter: {
    orderProcessed: () => metrics.addMetric(OrderMetric.OrdersProcessed, MetricUnit.Count, 1),
    recordFailed: () => metrics.addMetric(OrderMetric.ConsumerFailures, MetricUnit.Count, 1),
  },
});

/** SQS event source entry point of the order queue; reports partial batch failures. */
export const handler = withObservability<SQSEvent, SQSBatchResponse>(
  (event, context) => consume(event, context),
  telemetry,
);
