import { setTimeout as delay } from 'node:timers/promises';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  type QueueAttributeName,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';

/** A message as the poller reports it. */
export interface PolledMessage {
  readonly messageId: string;
  readonly messageGroupId: string | undefined;
  readonly body: string;
  /** How many times the queue has handed the message out. */
  readonly receiveCount: number;
}

export interface QueuePollerOptions {
  readonly sqs: SQSClient;
  /** The queue to consume, as a Lambda event source mapping would. */
  readonly queueUrl: string;
  /** The consumer, called with real SQS event shapes; its `batchItemFailures` stay on the queue. */
  readonly handler: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
  /** The queue's dead-letter queue, watched (never read) to report the messages moved there. */
  readonly deadLetterQueueUrl?: string;
  /** Called for each message the handler processed, after it is deleted from the queue. */
  readonly onProcessed?: (message: PolledMessage) => void;
  /** Called for each message the queue's redrive moved to the dead-letter queue. */
  readonly onDeadLetter?: (message: PolledMessage) => void;
  /** Called when polling or the handler fails; polling goes on. */
  readonly onError?: (error: unknown) => void;
  /** Long-poll wait, 0 to 20 seconds. @default 20 */
  readonly waitTimeSeconds?: number;
  /**
   * Seconds before a failed message is delivered again; `null` leaves the visibility the handler
   * set (or the queue's timeout), as Lambda's event source does. @default 0, so retries are
   * prompt locally
   */
  readonly retryDelaySeconds?: number | null;
  /** Most messages handed to the handler at once, 1 to 10. @default 10 */
  readonly batchSize?: number;
}

export interface QueuePoller {
  /** Ends the long poll, lets a batch in hand finish, and resolves when polling has stopped. */
  stop(): Promise<void>;
}

const NUMBER_ATTRIBUTES: QueueAttributeName[] = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
];

/** Converts a received message into the record Lambda's SQS event source would deliver. */
export function toSqsRecord(message: Message, queueArn: string, awsRegion: string): SQSRecord {
  const a = message.Attributes ?? {};
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
      ...(value.BinaryValue !== undefined && {
        binaryValue: Buffer.from(value.BinaryValue).toString('base64'),
      }),
      stringListValues: [],
      binaryListValues: [],
    };
  }
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? '',
      SenderId: a.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? '',
      ...(a.SequenceNumber !== undefined && { SequenceNumber: a.SequenceNumber }),
      ...(a.MessageGroupId !== undefined && { MessageGroupId: a.MessageGroupId }),
      ...(a.MessageDeduplicationId !== undefined && {
        MessageDeduplicationId: a.MessageDeduplicationId,
      }),
      ...(a.AWSTraceHeader !== undefined && { AWSTraceHeader: a.AWSTraceHeader }),
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes !== undefined && {
      md5OfMessageAttributes: message.MD5OfMessageAttributes,
    }),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion,
  };
}

const toPolled = (record: SQSRecord): PolledMessage => ({
  messageId: record.messageId,
  messageGroupId: record.attributes.MessageGroupId,
  body: record.body,
  receiveCount: Number(record.attributes.ApproximateReceiveCount),
});

/**
 * Consumes a queue locally the way Lambda's SQS event source mapping does: long-polls, hands each
 * batch to the handler as an SQS event, deletes the records that succeeded and leaves the
 * `batchItemFailures` (all records, when the handler throws) to be delivered again, until the
 * queue's own redrive moves them to the dead-letter queue.
 *
 * The dead-letter queue is never received from, so its messages stay intact: a message that failed
 * its last allowed receive is reported when the dead-letter queue's message count rises.
 *
 * `stop()` aborts the long poll on the client; an emulator may still complete the aborted receive,
 * and the message it took then stays invisible for the queue's visibility timeout.
 */
export async function startQueuePoller(options: QueuePollerOptions): Promise<QueuePoller> {
  const { sqs, queueUrl, deadLetterQueueUrl } = options;
  const waitTimeSeconds = options.waitTimeSeconds ?? 20;
  const retryDelaySeconds = options.retryDelaySeconds ?? 0;
  const batchSize = options.batchSize ?? 10;
  const { Attributes: queue = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['QueueArn', 'RedrivePolicy'],
    }),
  );
  const queueArn = queue.QueueArn ?? '';
  const maxReceiveCount = queue.RedrivePolicy
    ? Number(JSON.parse(queue.RedrivePolicy).maxReceiveCount)
    : Number.POSITIVE_INFINITY;
  const region = await sqs.config.region();

  const countDeadLetters = async (url: string) => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: NUMBER_ATTRIBUTES }),
    );
    return NUMBER_ATTRIBUTES.reduce((sum, name) => sum + Number(Attributes[name] ?? 0), 0);
  };
  let deadLetterCount = deadLetterQueueUrl ? await countDeadLetters(deadLetterQueueUrl) : 0;
  /** Messages that failed their last allowed receive: the next receive moves them, oldest first. */
  const leaving = new Map<string, PolledMessage>();

  const reportDeadLetters = async (url: string) => {
    const count = await countDeadLetters(url);
    let arrived = count - deadLetterCount;
    deadLetterCount = count;
    for (const [id, message] of leaving) {
      if (arrived-- <= 0) break;
      leaving.delete(id);
      options.onDeadLetter?.(message);
    }
  };

  const handle = async (records: SQSRecord[]) => {
    let failed: Set<string>;
    try {
      const response = await options.handler({ Records: records });
      failed = new Set(response?.batchItemFailures.map((f) => f.itemIdentifier));
    } catch (error) {
      options.onError?.(error);
      failed = new Set(records.map((r) => r.messageId));
    }
    const succeeded = records.filter((r) => !failed.has(r.messageId));
    const retried = records.filter((r) => failed.has(r.messageId));
    if (succeeded.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: succeeded.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
        }),
      );
      for (const record of succeeded) options.onProcessed?.(toPolled(record));
    }
    if (retried.length > 0 && retryDelaySeconds !== null) {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: retried.map((r, i) => ({
            Id: String(i),
            ReceiptHandle: r.receiptHandle,
            VisibilityTimeout: retryDelaySeconds,
          })),
        }),
      );
    }
    if (retried.length > 0) {
      for (const record of retried) {
        const message = toPolled(record);
        if (message.receiveCount >= maxReceiveCount) leaving.set(message.messageId, message);
      }
    }
  };

  const controller = new AbortController();
  const { signal } = controller;
  const pollOnce = async () => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: batchSize,
        // Short waits while a message is due to move, so that its move is reported promptly.
        WaitTimeSeconds: leaving.size > 0 ? Math.min(1, waitTimeSeconds) : waitTimeSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: signal },
    );
    const records = Messages.map((m) => toSqsRecord(m, queueArn, region));
    for (const record of records) leaving.delete(record.messageId);
    if (records.length > 0) await handle(records);
    if (deadLetterQueueUrl && leaving.size > 0) await reportDeadLetters(deadLetterQueueUrl);
  };

  const polling = (async () => {
    while (!signal.aborted) {
      try {
        await pollOnce();
      } catch (error) {
        if (signal.aborted) break;
        options.onError?.(error);
        await delay(1000, undefined, { signal }).catch(() => undefined);
      }
    }
  })();

  return {
    async stop() {
      controller.abort();
      await polling;
    },
  };
}
