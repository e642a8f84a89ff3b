import { randomUUID } from 'node:crypto';
import type { Message } from '@aws-sdk/client-sqs';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type AwsClients, createAwsClients } from '../adapters/aws/clients.js';
import { createOrderDependencies } from '../adapters/aws/order-dependencies.js';
import { ensureResources, type LocalResources } from '../local/resources.js';
import type { OrderDependencies } from '../use-cases/dependencies.js';
import { drainQueue } from './queues.js';

export interface TestOrderSystem {
  readonly clients: AwsClients;
  readonly resources: LocalResources;
  readonly deps: OrderDependencies;
  /** Every item in the table. */
  scanOrders(): Promise<Record<string, unknown>[]>;
  rawOrder(id: string): Promise<Record<string, unknown> | undefined>;
  /** Receives and deletes every message ready on a queue. */
  drain(queueUrl: string): Promise<Message[]>;
  /** The environment the Lambda handlers read, for these resources. */
  readonly env: Record<string, string>;
}

/** Fresh resources in the emulators, named uniquely so that test files never share state. */
export async function createTestOrderSystem(): Promise<TestOrderSystem> {
  const clients = createAwsClients('us-east-1');
  const suffix = randomUUID().slice(0, 8);
  const resources = await ensureResources(clients, {
    table: `orders-${suffix}`,
    queue: `orders-${suffix}`,
    topic: `order-alerts-${suffix}`,
  });
  return {
    clients,
    resources,
    deps: createOrderDependencies(clients, resources),
    scanOrders: async () =>
      // Orders only: the sweeper keeps its checkpoint in the same table.
      (
        (await clients.dynamo.send(new ScanCommand({ TableName: resources.tableName }))).Items ?? []
      ).filter((item) => item.customerId !== undefined),
    rawOrder: async (id) =>
      (await clients.dynamo.send(new GetCommand({ TableName: resources.tableName, Key: { id } })))
        .Item,
    drain: (queueUrl) => drainQueue(clients.sqs, queueUrl),
    env: {
      ORDERS_TABLE_NAME: resources.tableName,
      ORDERS_QUEUE_URL: resources.queueUrl,
      ORDER_ALERTS_TOPIC_ARN: resources.topicArn,
      AUTH_MODE: 'off',
      // A handler under test writes no log lines or metrics to the test run's output.
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
  };
}
