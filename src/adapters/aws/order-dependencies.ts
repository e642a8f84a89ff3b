import type { AlertMode, OrderDependencies } from '../../use-cases/dependencies.js';
import type { AwsClients } from './clients.js';
import { DynamoDbOrderStore } from './dynamodb-order-store.js';
import { SnsOrderNotifier } from './sns-order-notifier.js';
import { SqsOrderQueue } from './sqs-order-queue.js';

export interface OrderResources {
  readonly tableName: string;
  readonly queueUrl: string;
  readonly topicArn: string;
  /** @default 'each' */
  readonly alerts?: AlertMode;
}

/** Wires the AWS adapters to the use cases' ports. */
export function createOrderDependencies(
  clients: AwsClients,
  resources: OrderResources,
): OrderDependencies {
  return {
    store: new DynamoDbOrderStore(clients.dynamo, resources.tableName),
    queue: new SqsOrderQueue(clients.sqs, resources.queueUrl),
    notifier: new SnsOrderNotifier(clients.sns, resources.topicArn),
    clock: () => new Date(),
    alerts: resources.alerts ?? 'each',
  };
}
