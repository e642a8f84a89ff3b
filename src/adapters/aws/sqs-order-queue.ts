import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Order } from '../../domain/order.js';
import { toOrderMessage } from '../../domain/order-message.js';
import type { OrderQueue } from '../../domain/ports.js';
import { callService } from './sdk-errors.js';

/**
 * JSON with every non-ASCII character escaped: SQS refuses some code points in a body (and
 * emulators refuse more, such as emoji), while `\uXXXX` escapes are plain ASCII and parse back to
 * the same text.
 */
export const asciiJson = (value: unknown): string =>
  JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/**
 * {@link OrderQueue} over an SQS FIFO queue: one message group per customer keeps each customer's
 * orders in order; the order id as deduplication id makes a re-send within five minutes a no-op.
 */
export class SqsOrderQueue implements OrderQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(order: Order): Promise<void> {
    await callService('The order queue', (options) =>
      this.client.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: asciiJson(toOrderMessage(order)),
          MessageGroupId: order.customerId,
          MessageDeduplicationId: order.id,
        }),
        options,
      ),
    );
  }
}
