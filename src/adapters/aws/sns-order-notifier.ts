import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Order } from '../../domain/order.js';
import { newOrderAlert } from '../../domain/order-message.js';
import type { OrderNotifier } from '../../domain/ports.js';
import { callService } from './sdk-errors.js';

/** {@link OrderNotifier} that publishes a new-order alert to an SNS topic (e-mailed to the admins). */
export class SnsOrderNotifier implements OrderNotifier {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async announce(order: Order): Promise<void> {
    const { subject, message } = newOrderAlert(order);
    await callService('The alert topic', (options) =>
      this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: subject,
          Message: message,
          MessageAttributes: { orderId: { DataType: 'String', StringValue: order.id } },
        }),
        options,
      ),
    );
  }
}
