import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { InvalidOrderMessageError, parseOrderMessage } from '../domain/order-message.js';

/** One message of the dead-letter queue, as an operator reads it. */
export interface DeadLetter {
  readonly messageId: string;
  /** The order the message names; absent when the body cannot be read. */
  readonly orderId?: string;
  readonly customerId?: string;
  /** The message group (the customer the queue keyed it by). */
  readonly messageGroupId?: string;
  /** Receives so far, in the order queue and here (this listing's receive included). */
  readonly receiveCount: number;
  /** When the message was first sent to the order queue (ISO 8601). */
  readonly sentAt?: string;
  /** Why the body cannot be processed at all, when that is the case. */
  readonly unreadable?: string;
  /** Message attributes as text, e.g. a failure reason a producer attached. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** What a listing found. */
export interface DeadLetterListing {
  readonly letters: readonly DeadLetter[];
  /** The queue's own count of messages, including those a FIFO listing cannot reach yet. */
  readonly approximateTotal: number;
}

/** One message moved back to the order queue. */
export interface RedrivenLetter extends DeadLetter {
  /** Id of the new message in the order queue. */
  readonly redrivenMessageId: string;
}

export interface DeadLetterOptions {
  /** Most messages to read (list) or move (redrive). @default 100 */
  readonly max?: number;
  /**
   * Seconds a received message stays hidden while the command works on it; a listing hands every
   * message back at the end, and a crashed run's messages come back after this.
   * @default 60
   */
  readonly visibilitySeconds?: number;
  /** Long-poll wait of each receive, 0–20 s; 0 may miss messages on AWS's short poll. @default 1 */
  readonly waitTimeSeconds?: number;
}

export interface RedriveOptions extends DeadLetterOptions {
  /** Move only the messages of this order; the others are handed back untouched. */
  readonly orderId?: string;
}

/** The message attribute a redriven message carries: the dead-letter message it came from. */
export const REDRIVEN_FROM_ATTRIBUTE = 'redrivenFrom';

const attributeText = (value: MessageAttributeValue) =>
  value.StringValue ?? (value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : '');

function describe(message: Message): DeadLetter {
  const system = message.Attributes ?? {};
  const attributes = Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, v]) => [name, attributeText(v)]),
  );
  const common = {
    messageId: message.MessageId ?? '',
    ...(system.MessageGroupId && { messageGroupId: system.MessageGroupId }),
    receiveCount: Number(system.ApproximateReceiveCount ?? 0),
    ...(system.SentTimestamp && { sentAt: new Date(Number(system.SentTimestamp)).toISOString() }),
    attributes,
  };
  try {
    const { orderId, customerId } = parseOrderMessage(message.Body ?? '');
    return { ...common, orderId, customerId };
  } catch (error) {
    if (!(error instanceof InvalidOrderMessageError)) throw error;
    return { ...common, unreadable: `${error.reason}: ${error.message}` };
  }
}

/**
 * Receives the dead-letter queue's messages one batch at a time, hiding each from other readers
 * while `work` decides on it; whatever `work` does not settle is handed back (made visible
 * again) at the end, also when a call fails half-way.
 *
 * A FIFO queue hands out one message group's messages in order and no more of a group while one
 * of its messages is hidden, so a listing sees the oldest message of each group; a message that
 * `work` deletes lets the next of its group through.
 */
async function eachDeadLetter(
  sqs: SQSClient,
  queueUrl: string,
  options: DeadLetterOptions,
  work: (message: Message) => Promise<'settled' | 'hand back'>,
): Promise<void> {
  const max = options.max ?? 100;
  const held: Message[] = [];
  let seen = 0;
  try {
    while (seen < max) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, max - seen),
          VisibilityTimeout: options.visibilitySeconds ?? 60,
          WaitTimeSeconds: options.waitTimeSeconds ?? 1,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) return;
      for (const message of Messages) {
        seen += 1;
        if ((await work(message)) === 'hand back') held.push(message);
      }
    }
  } finally {
    await Promise.allSettled(
      held.map((message) =>
        sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: 0,
          }),
        ),
      ),
    );
  }
}

async function approximateCount(sqs: SQSClient, queueUrl: string): Promise<number> {
  const names = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] as const;
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...names] }),
  );
  return names.reduce((sum, name) => sum + Number(Attributes[name] ?? 0), 0);
}

/**
 * Lists what the dead-letter queue holds without changing it: every message read is handed back.
 * Each read counts as a receive of that message.
 */
export async function listDeadLetters(
  sqs: SQSClient,
  deadLetterQueueUrl: string,
  options: DeadLetterOptions = {},
): Promise<DeadLetterListing> {
  const approximateTotal = await approximateCount(sqs, deadLetterQueueUrl);
  const letters: DeadLetter[] = [];
  await eachDeadLetter(sqs, deadLetterQueueUrl, options, async (message) => {
    letters.push(describe(message));
    return 'hand back';
  });
  return { letters, approximateTotal };
}

/**
 * Moves dead letters back to the order queue, oldest first within each customer's group: each is
 * sent as a new message with its body, group and attributes, then deleted from the dead-letter
 * queue. Safe to run again after a crash between the two steps: the new message's deduplication
 * id is derived from the dead letter's id, so a second send within SQS's five-minute window is
 * dropped, and after it the consumer finds the order already processed and leaves it unchanged.
 * A message that fails again and returns to the dead-letter queue comes back under a new id, so
 * a later redrive is not mistaken for a repeat.
 */
export async function redriveDeadLetters(
  sqs: SQSClient,
  queues: { readonly deadLetterQueueUrl: string; readonly queueUrl: string },
  options: RedriveOptions = {},
): Promise<RedrivenLetter[]> {
  const moved: RedrivenLetter[] = [];
  await eachDeadLetter(sqs, queues.deadLetterQueueUrl, options, async (message) => {
    const letter = describe(message);
    if (options.orderId !== undefined && letter.orderId !== options.orderId) return 'hand back';
    const groupId = letter.messageGroupId ?? letter.customerId;
    if (!groupId) throw new Error(`Dead letter ${letter.messageId} has no message group.`);
    const { MessageId } = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.queueUrl,
        MessageBody: message.Body ?? '',
        MessageGroupId: groupId,
        MessageDeduplicationId: `redrive-${letter.messageId}`,
        MessageAttributes: {
          ...message.MessageAttributes,
          [REDRIVEN_FROM_ATTRIBUTE]: { DataType: 'String', StringValue: letter.messageId },
        },
      }),
    );
    await sqs.send(
      new DeleteMessageCommand({
        QueueUrl: queues.deadLetterQueueUrl,
        ReceiptHandle: message.ReceiptHandle,
      }),
    );
    moved.push({ ...letter, redrivenMessageId: MessageId ?? '' });
    return 'settled';
  });
  return moved;
}
