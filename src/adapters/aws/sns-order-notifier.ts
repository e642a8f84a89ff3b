import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Order } from '../../domain/order.js';
import { newOrderAlert, newOrdersDigest } from '../../domain/order-message.js';
import type { OrderNotifier } from '../../domain/ports.js';
import { callService } from './sdk-errors.js';

/** {@link OrderNotifier} that publishes new-order alerts to an SNS topic (e-mailed to the admins). */
export class SnsOrderNotifier implements OrderNotifier {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async announce(order: Order): Promise<void> {
    await this.publish(newOrderAlert(order), { orderId: order.id });
  }

  async announceDigest(orders: readonly Order[]): Promise<void> {
    await this.publish(newOrdersDigest(orders), { orderCount: String(orders.length) });
  }

  private async publish(
    alert: { subject: string; message: string },
    attributes: Record<string, string>,
  ): Promise<void> {
    await callService('The alert topic', (options) =>
      this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: alert.subject,
          Message: alert.message,
          MessageAttributes: Object.fromEntries(
            Object.entries(attributes).map(([name, value]) => [
              name,
              { DataType: 'String', StringValue: value },
            ]),
          ),
        }),
        options,
      ),
    );
  }
}
