import {
  ChangeMessageVisibilityBatchCommand,
  type MessageAttributeValue,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { FailedRecordRouter, RetryDelay } from '../../consumer/create-consumer-handler.js';
import { callService } from './sdk-errors.js';

/** Message attributes as SendMessage takes them, from a record as Lambda delivers it. */
function sendableAttributes(record: SQSRecord): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(record.messageAttributes)) {
    attributes[name] = {
      DataType: value.dataType,
      ...(value.stringValue !== undefined && { StringValue: value.stringValue }),
      ...(value.binaryValue !== undefined && {
        BinaryValue: Buffer.from(value.binaryValue, 'base64'),
      }),
    };
  }
  return attributes;
}

/**
 * {@link FailedRecordRouter} over SQS: a poison record is sent to the FIFO dead-letter queue in
 * its own message group with its body and attributes, deduplicated on its message id so that a
 * repeated move is one message; a failed record's visibility is shortened to its retry delay.
 */
export class SqsFailedRecordRouter implements FailedRecordRouter {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly deadLetterQueueUrl: string,
  ) {}

  async deadLetter(record: SQSRecord): Promise<void> {
    await callService('The dead-letter queue', (options) =>
      this.client.send(
        new SendMessageCommand({
          QueueUrl: this.deadLetterQueueUrl,
          MessageBody: record.body,
          MessageAttributes: sendableAttributes(record),
          MessageGroupId: record.attributes.MessageGroupId ?? 'unknown',
          MessageDeduplicationId: record.messageId,
        }),
        options,
      ),
    );
  }

  async retryAfter(delays: readonly RetryDelay[]): Promise<void> {
    for (let start = 0; start < delays.length; start += 10) {
      const entries = delays.slice(start, start + 10).map(({ record, seconds }, i) => ({
        Id: String(i),
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: seconds,
      }));
      await callService('The order queue', (options) =>
        this.client.send(
          new ChangeMessageVisibilityBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
          options,
        ),
      );
    }
  }
}
