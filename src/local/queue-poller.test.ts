import { createHash } from 'node:crypto';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConsumerHandler } from '../consumer/create-consumer-handler.js';
import { eventually, orderRequest, recordingLogger } from '../consumer/test-fixtures.js';
import { ORDER_MESSAGE_SCHEMA_VERSION } from '../domain/order-message.js';
import { recordCompletionOnly } from '../domain/order-processing.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { queueDepth as depthOf } from '../testing/queues.js';
import { placeOrder } from '../use-cases/place-order.js';
import { type PolledMessage, type QueuePoller, startQueuePoller } from './queue-poller.js';
import { MAX_RECEIVE_COUNT } from './resources.js';

let system: TestOrderSystem;
let poller: QueuePoller | undefined;
// Fresh queues per test: on the emulator, a long poll that a stopped poller aborted may still
// take one message, which then stays invisible for the queue's visibility timeout.
beforeEach(async () => {
  system = await createTestOrderSystem();
});
afterEach(async () => {
  await poller?.stop();
  poller = undefined;
});

/** Starts a poller over the test queue with the real consumer, keeping what it saw. */
async function startPolling() {
  const seen: SQSRecord[] = [];
  const processed: PolledMessage[] = [];
  const deadLetters: PolledMessage[] = [];
  const errors: unknown[] = [];
  const { logger } = recordingLogger();
  const consume = createConsumerHandler({
    deps: { store: system.deps.store, clock: system.deps.clock, fulfilment: recordCompletionOnly },
    logger,
  });
  poller = await startQueuePoller({
    sqs: system.clients.sqs,
    queueUrl: system.resources.queueUrl,
    deadLetterQueueUrl: system.resources.deadLetterQueueUrl,
    handler: async (event: SQSEvent): Promise<SQSBatchResponse> => {
      seen.push(...event.Records);
      return consume(event);
    },
    onProcessed: (m) => processed.push(m),
    onDeadLetter: (m) => deadLetters.push(m),
    onError: (e) => errors.push(e),
    waitTimeSeconds: 1,
  });
  return { seen, processed, deadLetters, errors };
}

const queueDepth = (queueUrl: string) => depthOf(system.clients.sqs, queueUrl);

describe('startQueuePoller', () => {
  it('hands queued orders to the consumer as SQS event records and deletes them when they succeed', async () => {
    // Prepare
    const { seen, processed, errors } = await startPolling();
    const { Attributes } = await system.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: system.resources.queueUrl,
        AttributeNames: ['QueueArn'],
      }),
    );

    // Act
    const orders = await Promise.all(
      ['poll-a', 'poll-a', 'poll-b'].map(
        async (customer) => (await placeOrder(system.deps, orderRequest(customer))).order,
      ),
    );
    await eventually(
      () => processed.length,
      (n) => n >= orders.length,
    );

    // Assess
    for (const order of orders) {
      expect(await system.deps.store.get(order.id)).toMatchObject({ status: 'COMPLETED' });
    }
    expect(await queueDepth(system.resources.queueUrl)).toBe(0);
    expect(errors).toEqual([]);
    expect(processed.map((m) => m.messageId).sort()).toEqual(seen.map((r) => r.messageId).sort());
    const first = seen.find((r) => r.body.includes(orders[0]?.id ?? '-'));
    expect(first).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: Attributes?.QueueArn,
      awsRegion: 'us-east-1',
      md5OfBody: createHash('md5')
        .update(first?.body ?? '')
        .digest('hex'),
      attributes: {
        MessageGroupId: 'poll-a',
        MessageDeduplicationId: orders[0]?.id,
        ApproximateReceiveCount: '1',
        SequenceNumber: expect.stringMatching(/^\d+$/),
        SentTimestamp: expect.stringMatching(/^\d+$/),
      },
    });
  });

  it('retries a poison message until the queue redrive moves it to the dead-letter queue, then serves its group again', async () => {
    // Prepare
    const { seen, processed, deadLetters, errors } = await startPolling();
    const group = 'poison-customer';
    const poisonBody = JSON.stringify({
      schemaVersion: ORDER_MESSAGE_SCHEMA_VERSION,
      order: { id: 'ord_dddddddddddddddddddddddddddddddd', customerId: group },
    });

    // Act
    const { MessageId } = await system.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: system.resources.queueUrl,
        MessageBody: poisonBody,
        MessageGroupId: group,
        MessageDeduplicationId: 'poison-1',
      }),
    );
    const next = (await placeOrder(system.deps, orderRequest(group))).order;
    await eventually(
      () => deadLetters.length + processed.length,
      (n) => n >= 2,
    );

    // Assess
    expect(errors).toEqual([]);
    expect(deadLetters).toEqual([
      {
        messageId: MessageId,
        messageGroupId: group,
        body: poisonBody,
        receiveCount: MAX_RECEIVE_COUNT,
      },
    ]);
    const attempts = seen.filter((r) => r.messageId === MessageId);
    expect(attempts.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(
      Array.from({ length: MAX_RECEIVE_COUNT }, (_, i) => String(i + 1)),
    );
    const parked = await system.drain(system.resources.deadLetterQueueUrl);
    expect(parked.map((m) => [m.MessageId, m.Body])).toEqual([[MessageId, poisonBody]]);
    expect(await system.deps.store.get(next.id)).toMatchObject({ status: 'COMPLETED' });
  });

  it('stops during a long poll and leaves later messages on the queue when stopped', async () => {
    // Prepare
    const seen: SQSRecord[] = [];
    poller = await startQueuePoller({
      sqs: system.clients.sqs,
      queueUrl: system.resources.queueUrl,
      handler: async (event) => {
        seen.push(...event.Records);
        return { batchItemFailures: [] };
      },
      waitTimeSeconds: 20,
    });

    // Act
    await poller.stop();
    poller = undefined;
    await system.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: system.resources.queueUrl,
        MessageBody: 'after stop',
        MessageGroupId: 'stopped',
        MessageDeduplicationId: 'after-stop',
      }),
    );

    // Assess
    const left = await system.drain(system.resources.queueUrl);
    expect(left.map((m) => m.Body)).toEqual(['after stop']);
    expect(seen).toEqual([]);
  });
});
