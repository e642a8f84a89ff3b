import {
  CreateTableCommand,
  DescribeTableCommand,
  type Projection,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../adapters/aws/clients.js';
import { ORDER_TABLE_INDEXES } from '../adapters/aws/dynamodb-order-store.js';

export interface ResourceNames {
  readonly table: string;
  /** Without the `.fifo` suffix. */
  readonly queue: string;
  readonly topic: string;
}

export interface LocalResources {
  readonly tableName: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly topicArn: string;
  /** A queue subscribed to the topic, standing in for the admins' e-mail. */
  readonly alertQueueUrl: string;
}

/** Receives before a message moves to the dead-letter queue; the CDK stack uses the same. */
export const MAX_RECEIVE_COUNT = 5;

const allAttributes = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });

/** The projection of each index, as the CDK stack declares it. */
export const ORDER_INDEX_PROJECTIONS: Record<keyof typeof ORDER_TABLE_INDEXES, Projection> = {
  byCustomer: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status'] },
  byStatus: { ProjectionType: 'KEYS_ONLY' },
  undispatched: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['sweepAttempts', 'sweepAfter'] },
};

async function createTable(clients: AwsClients, tableName: string): Promise<void> {
  const index = (name: keyof typeof ORDER_TABLE_INDEXES, hash: string, range: string) => ({
    IndexName: ORDER_TABLE_INDEXES[name],
    KeySchema: [
      { AttributeName: hash, KeyType: 'HASH' as const },
      { AttributeName: range, KeyType: 'RANGE' as const },
    ],
    Projection: ORDER_INDEX_PROJECTIONS[name],
  });
  try {
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          'id',
          'customerId',
          'statusShard',
          'sortKey',
          'dispatchPending',
          'createdAt',
        ].map(allAttributes),
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          index('byCustomer', 'customerId', 'sortKey'),
          index('byStatus', 'statusShard', 'sortKey'),
          index('undispatched', 'dispatchPending', 'createdAt'),
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    await checkIndexes(clients, tableName);
  }
}

/** A table kept from an earlier version may lack today's indexes: say so rather than fail later. */
async function checkIndexes(clients: AwsClients, tableName: string): Promise<void> {
  const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  const found = (Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName ?? '').sort();
  const wanted = Object.values(ORDER_TABLE_INDEXES).sort();
  if (found.join() !== wanted.join()) {
    throw new Error(
      `Table ${tableName} has the indexes ${found.join(', ') || 'none'} but the order store needs ${wanted.join(', ')}: it was made by an earlier version. Delete its data folder (DATA_DIR) to start afresh.`,
    );
  }
}

async function createQueue(clients: AwsClients, name: string, attributes: Record<string, string>) {
  const { QueueUrl } = await clients.sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
  );
  if (!QueueUrl) throw new Error(`No URL for queue ${name}`);
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { url: QueueUrl, arn: Attributes?.QueueArn ?? '' };
}

/**
 * Creates what the order system needs, as the CDK stack does in AWS: the table with its indexes,
 * the FIFO queue with its FIFO dead-letter queue, and the alert topic with a queue subscribed to
 * it. Safe to run again on existing resources.
 */
export async function ensureResources(
  clients: AwsClients,
  names: ResourceNames,
): Promise<LocalResources> {
  await createTable(clients, names.table);
  const fifo = { FifoQueue: 'true', ContentBasedDeduplication: 'false' };
  const dlq = await createQueue(clients, `${names.queue}-dlq.fifo`, fifo);
  const queue = await createQueue(clients, `${names.queue}.fifo`, {
    ...fifo,
    VisibilityTimeout: '30',
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: dlq.arn,
      maxReceiveCount: MAX_RECEIVE_COUNT,
    }),
  });
  const alerts = await createQueue(clients, `${names.topic}-inbox`, {});
  const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: names.topic }));
  if (!TopicArn) throw new Error(`No ARN for topic ${names.topic}`);
  await clients.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: alerts.arn }));
  return {
    tableName: names.table,
    queueUrl: queue.url,
    deadLetterQueueUrl: dlq.url,
    topicArn: TopicArn,
    alertQueueUrl: alerts.url,
  };
}
