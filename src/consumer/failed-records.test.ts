import { randomUUID } from 'node:crypto';
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqsFailedRecordRouter } from '../adapters/aws/sqs-failed-records.js';
import { recordCompletionOnly } from '../domain/order-processing.js';
import { toSqsRecord } from '../local/queue-poller.js';
import { type FaultSwitch, injectFaults } from '../testing/fault-injection.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { placeOrder } from '../use-cases/place-order.js';
import { createConsumerHandler } from './create-consumer-handler.js';
import { orderRequest, recordingLogger } from './test-fixtures.js';

let sys: TestOrderSystem;
let faults: FaultSwitch;

beforeAll(async () => {
  sys = await createTestOrderSystem();
  faults = injectFaults(sys.clients.dynamo);
});
beforeEach(async () => {
  faults.calm();
  await sys.drain(sys.resources.queueUrl);
  await sys.drain(sys.resources.deadLetterQueueUrl);
});

const consumer = (retryDelay?: (receiveCount: number) => number) => {
  const { logger, lines } = recordingLogger();
  const deadLettered: string[] = [];
  const handle = createConsumerHandler({
    deps: { store: sys.deps.store, clock: sys.deps.clock, fulfilment: recordCompletionOnly },
    logger,
    meter: {
      orderProcessed: () => {},
      recordFailed: () => {},
      deadLettered: () => deadLettered.push('poison'),
    },
    failures: new SqsFailedRecordRouter(
      sys.clients.sqs,
      sys.resources.queueUrl,
      sys.resources.deadLetterQueueUrl,
    ),
    ...(retryDelay && { retryDelay }),
  });
  return { handle, lines, deadLettered };
};

/** Receives what is ready on a queue (fauxqs hands out one message per group at a time). */
async function receive(queueUrl: string): Promise<SQSRecord[]> {
  const { Messages = [] } = await sys.clients.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  return Messages.map((m) => toSqsRecord(m, 'arn:aws:sqs:us-east-1:000000000000:q', 'us-east-1'));
}

const send = (body: string, group: string, attributes: Record<string, string> = {}) =>
  sys.clients.sqs.send(
    new SendMessageCommand({
      QueueUrl: sys.resources.queueUrl,
      MessageBody: body,
      MessageGroupId: group,
      MessageDeduplicationId: randomUUID(),
      MessageAttributes: Object.fromEntries(
        Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
      ),
    }),
  );

describe('the consumer with a failed-record router', () => {
  it('moves a poison message to the dead-letter queue at once, body and attributes kept, and goes on with its customer', async () => {
    // Prepare: a poison message, then the customer's next order in the same FIFO group.
    await send('{"not":"an order"}', 'poison-group', { origin: 'test' });
    const { order } = await placeOrder(sys.deps, orderRequest('poison-group'));
    const { handle, deadLettered } = consumer();

    // Act
    const first = await receive(sys.resources.queueUrl);
    const firstResponse = await handle({ Records: first });
    // As the event source does with records not reported as failed.
    for (const record of first) {
      await sys.clients.sqs.send(
        new DeleteMessageCommand({
          QueueUrl: sys.resources.queueUrl,
          ReceiptHandle: record.receiptHandle,
        }),
      );
    }
    const next = await receive(sys.resources.queueUrl);
    await handle({ Records: next });

    // Assess
    expect(first.map((r) => r.body)).toEqual(['{"not":"an order"}']);
    expect(firstResponse.batchItemFailures).toEqual([]);
    expect(deadLettered).toHaveLength(1);
    expect(next.map((r) => JSON.parse(r.body).order.id)).toEqual([order.id]);
    expect((await sys.deps.store.get(order.id))?.status).toBe('COMPLETED');
    const moved = await receive(sys.resources.deadLetterQueueUrl);
    expect(moved.map((r) => [r.body, r.messageAttributes.origin?.stringValue])).toEqual([
      ['{"not":"an order"}', 'test'],
    ]);
    expect(moved[0]?.attributes.MessageGroupId).toBe('poison-group');
  });

  it('hands a record that failed for a passing fault back after its retry delay instead of the visibility timeout', async () => {
    // Prepare
    const { order } = await placeOrder(sys.deps, orderRequest('transient-group'));
    const records = await receive(sys.resources.queueUrl);
    faults.fail('GetItemCommand', 'server-error');
    const { handle } = consumer(() => 0);

    // Act
    const response = await handle({ Records: records });
    const again = await receive(sys.resources.queueUrl);

    // Assess: the queue's visibility timeout is 30 s, yet the record is delivered again at once.
    expect(records.map((r) => JSON.parse(r.body).order.id)).toEqual([order.id]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[0]?.messageId }]);
    expect(again.map((r) => r.messageId)).toEqual([records[0]?.messageId]);
    expect(again[0]?.attributes.ApproximateReceiveCount).toBe('2');
    expect(await receive(sys.resources.deadLetterQueueUrl)).toEqual([]);
  });

  it('starts no record and hands the batch back at once when the invocation is about to time out', async () => {
    // Prepare
    const { order } = await placeOrder(sys.deps, orderRequest('late-group'));
    const records = await receive(sys.resources.queueUrl);
    const { handle } = consumer();
    const nearlyOver = { getRemainingTimeInMillis: () => 1_000 } as Parameters<typeof handle>[1];

    // Act
    const response = await handle({ Records: records }, nearlyOver);
    const again = await receive(sys.resources.queueUrl);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[0]?.messageId }]);
    expect((await sys.deps.store.get(order.id))?.status).toBe('RECEIVED');
    expect(again.map((r) => r.messageId)).toEqual([records[0]?.messageId]);
  });
});
