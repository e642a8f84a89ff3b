import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { toDocumentClient } from '../adapters/aws/document-client.js';
import { DynamoDbOrderStore } from '../adapters/aws/dynamodb-order-store.js';
import { parseConsumerConfig } from '../config.js';
import { createConsumerHandler } from '../consumer/create-consumer-handler.js';
import { recordCompletionOnly } from '../domain/order-processing.js';

const config = parseConsumerConfig();
const logger = new Logger({ serviceName: 'order-processor' });
// Only the table: the SQS and SNS clients would add to the bundle and the cold start for nothing.
const dynamo = toDocumentClient(new DynamoDBClient({ region: config.region }));
const consume = createConsumerHandler({
  deps: {
    store: new DynamoDbOrderStore(dynamo, config.tableName),
    clock: () => new Date(),
    fulfilment: recordCompletionOnly,
  },
  logger,
});

/** SQS event source entry point of the order queue; reports partial batch failures. */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  return consume(event, context);
};
