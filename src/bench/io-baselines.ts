import { PublishCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsClients } from '../adapters/aws/clients.js';
import { toItem } from '../adapters/aws/dynamodb-order-store.js';
import type { OrderResources } from '../adapters/aws/order-dependencies.js';
import type { Order } from '../domain/order.js';
import { newOrderAlert, toOrderMessage } from '../domain/order-message.js';
import { priceItems } from '../domain/pricing.js';
import { placeOrderInput } from './events.js';

/**
 * The I/O an order's placement cannot do without, issued straight through the SDK with the same
 * payloads the adapters send: the floor that placeOrder through the handler is measured against.
 */
export class IoBaselines {
  constructor(
    private readonly clients: AwsClients,
    private readonly resources: OrderResources,
  ) {}

  /** An order as placeOrder would build it for {@link placeOrderInput}(n). */
  order(n: string): Order {
    const input = placeOrderInput(n);
    const { lines, total } = priceItems(input.currency, input.items);
    const now = new Date().toISOString();
    return {
      id: `baseline-${n}`,
      customerId: input.customerId,
      customerEmail: input.customerEmail,
      items: lines,
      total,
      status: 'RECEIVED',
      createdAt: now,
      updatedAt: now,
      requestHash: 'f'.repeat(64),
      dispatch: { queued: false, alerted: false },
    };
  }

  /** The conditional put of the order item, as the order store writes it. */
  put(order: Order): Promise<unknown> {
    return this.clients.dynamo.send(
      new PutCommand({
        TableName: this.resources.tableName,
        Item: toItem(order),
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
  }

  send(order: Order): Promise<unknown> {
    return this.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.resources.queueUrl,
        MessageBody: JSON.stringify(toOrderMessage(order)),
        MessageGroupId: order.customerId,
        MessageDeduplicationId: order.id,
      }),
    );
  }

  publish(order: Order): Promise<unknown> {
    const { subject, message } = newOrderAlert(order);
    return this.clients.sns.send(
      new PublishCommand({
        TopicArn: this.resources.topicArn,
        Subject: subject,
        Message: message,
        MessageAttributes: { orderId: { DataType: 'String', StringValue: order.id } },
      }),
    );
  }

  /** The update that records both side effects as done. */
  recordDispatched(order: Order): Promise<unknown> {
    return this.clients.dynamo.send(
      new UpdateCommand({
        TableName: this.resources.tableName,
        Key: { id: order.id },
        UpdateExpression:
          'SET updatedAt = :at, queued = :true, alerted = :true REMOVE dispatchPending',
        ConditionExpression: 'attribute_exists(id)',
        ExpressionAttributeValues: { ':at': new Date().toISOString(), ':true': true },
      }),
    );
  }

  /** Put, then send and publish concurrently: the floor of placeOrder as designed. */
  async concurrentFloor(order: Order): Promise<void> {
    await this.put(order);
    await Promise.all([this.send(order), this.publish(order)]);
  }

  /** Put, then send, then publish: what placeOrder would cost without the concurrency. */
  async sequential(order: Order): Promise<void> {
    await this.put(order);
    await this.send(order);
    await this.publish(order);
  }

  /** The concurrent floor plus the update that records the side effects, as placeOrder does. */
  async concurrentFloorWithRecord(order: Order): Promise<void> {
    await this.concurrentFloor(order);
    await this.recordDispatched(order);
  }

  /** The consistent read order(id) needs. */
  get(id: string): Promise<unknown> {
    return this.clients.dynamo.send(
      new GetCommand({ TableName: this.resources.tableName, Key: { id }, ConsistentRead: true }),
    );
  }
}
