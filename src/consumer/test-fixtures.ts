import { createHash, randomUUID } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import type { PlaceOrderRequest } from '../domain/validation.js';
import type { ConsumerLogger } from './create-consumer-handler.js';

/** A valid order request for a customer. */
export const orderRequest = (customerId: string, quantity = 1): PlaceOrderRequest => ({
  customerId,
  customerEmail: `${customerId}@example.com`,
  currency: 'EUR',
  items: [{ sku: 'SKU-1', quantity, unitPrice: 1250 }],
});

let sequence = 0;

/** A record of a FIFO queue, shaped as Lambda's SQS event source delivers it. */
export function sqsRecord(body: string, messageGroupId: string, receiveCount = 1): SQSRecord {
  const now = String(Date.now());
  sequence += 1;
  return {
    messageId: randomUUID(),
    receiptHandle: `AQEB${randomUUID().replaceAll('-', '')}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: now,
      SequenceNumber: String(18_880_000_000_000_000_000n + BigInt(sequence)),
      MessageGroupId: messageGroupId,
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      MessageDeduplicationId: randomUUID(),
      ApproximateFirstReceiveTimestamp: now,
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:orders.fifo',
    awsRegion: 'us-east-1',
  };
}

/** A logger that keeps its lines, to assert on what was logged. */
export function recordingLogger() {
  const lines: {
    level: 'info' | 'warn' | 'error';
    message: string;
    attributes: Record<string, unknown>;
  }[] = [];
  const logger: ConsumerLogger = {
    info: (message, attributes) => lines.push({ level: 'info', message, attributes }),
    warn: (message, attributes) => lines.push({ level: 'warn', message, attributes }),
    error: (message, attributes) => lines.push({ level: 'error', message, attributes }),
  };
  return { logger, lines };
}

/** Checks a condition until it holds or `timeoutMs` runs out; returns the last value it saw. */
export async function eventually<T>(
  read: () => Promise<T> | T,
  holds: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (holds(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
