import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../adapters/aws/clients.js';
import { createConsumerHandler } from '../consumer/create-consumer-handler.js';
import { orderRequest, recordingLogger } from '../consumer/test-fixtures.js';
import type { Order } from '../domain/order.js';
import { toOrderMessage } from '../domain/order-message.js';
import type { OrderFulfilment } from '../domain/order-processing.js';
import { toSqsRecord } from '../local/queue-poller.js';
import { MAX_RECEIVE_COUNT } from '../local/resources.js';
import { injectFaults } from '../testing/fault-injection.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { queueDepth } from '../testing/queues.js';
import { placeOrder } from '../use-cases/place-order.js';
import { listDeadLetters, REDRIVEN_FROM_ATTRIBUTE, redriveDeadLetters } from './dead-letters.js';

let sys: TestOrderSystem;
let queues: { deadLetterQueueUrl: string; queueUrl: string };
/** The emulator answers at once when a queue is empty; no need to long-poll. */
const quick = { waitTimeSeconds: 0 };

beforeAll(async () => {
  sys = await createTestOrderSystem();
  queues = {
    deadLetterQueueUrl: sys.resources.deadLetterQueueUrl,
    queueUrl: sys.resources.queueUrl,
  };
});

const countOf = (queueUrl: string) => queueDepth(sys.clients.sqs, queueUrl);

/**
 * Places an order and lets the queue's own redrive move its message to the dead-letter queue:
 * the message is received (and never deleted) as often as the redrive policy allows.
 */
async function deadLetteredOrder(customerId: string): Promise<Order> {
  const { order } = await placeOrder(sys.deps, orderRequest(customerId));
  for (let receive = 0; receive <= MAX_RECEIVE_COUNT; receive += 1) {
    await sys.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.queueUrl,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
      }),
    );
  }
  expect(await countOf(queues.queueUrl)).toBe(0);
  return order;
}

/** The order processor, run over whatever the order queue holds; counts fulfilment runs. */
async function processOrderQueue() {
  const runs: string[] = [];
  const fulfilment: OrderFulfilment = { process: async (order) => void runs.push(order.id) };
  const { logger, lines } = recordingLogger();
  const handler = createConsumerHandler({
    deps: { store: sys.deps.store, clock: sys.deps.clock, fulfilment },
    logger,
  });
  const messages = await sys.drain(queues.queueUrl);
  const records = messages.map((m) =>
    toSqsRecord(m, 'arn:aws:sqs:us-east-1:000000000000:q.fifo', 'us-east-1'),
  );
  const response = await handler({ Records: records });
  return { runs, messages, response, outcomes: lines.map((l) => l.attributes.outcome) };
}

describe('dead-letter queue command', () => {
  it('lists each dead letter with its order, customer and receive count, and leaves the queue as it was', async () => {
    const order = await deadLetteredOrder('dlq-list');

    const first = await listDeadLetters(sys.clients.sqs, queues.deadLetterQueueUrl, quick);
    const second = await listDeadLetters(sys.clients.sqs, queues.deadLetterQueueUrl, quick);

    expect(first.approximateTotal).toBe(1);
    expect(first.letters).toEqual([
      expect.objectContaining({
        orderId: order.id,
        customerId: 'dlq-list',
        messageGroupId: 'dlq-list',
        receiveCount: MAX_RECEIVE_COUNT + 2,
      }),
    ]);
    // The first listing handed the message back: the second sees it again, one receive later.
    expect(second.letters).toEqual([
      expect.objectContaining({ orderId: order.id, receiveCount: MAX_RECEIVE_COUNT + 3 }),
    ]);
    expect(await countOf(queues.deadLetterQueueUrl)).toBe(1);

    await redriveDeadLetters(sys.clients.sqs, queues, quick);
    await processOrderQueue();
  });

  it('names why a body cannot be read at all', async () => {
    await sys.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.deadLetterQueueUrl,
        MessageBody: 'not json',
        MessageGroupId: 'dlq-garbage',
        MessageDeduplicationId: 'garbage-1',
      }),
    );

    const { letters } = await listDeadLetters(sys.clients.sqs, queues.deadLetterQueueUrl, quick);

    expect(letters).toEqual([
      expect.objectContaining({
        messageGroupId: 'dlq-garbage',
        unreadable: expect.stringMatching(/^unreadable: /),
      }),
    ]);
    expect(letters[0]?.orderId).toBeUndefined();
    await sys.drain(queues.deadLetterQueueUrl);
  });

  it('moves dead letters back to the order queue, where the order is processed', async () => {
    const order = await deadLetteredOrder('dlq-redrive');
    const [letter] = (await listDeadLetters(sys.clients.sqs, queues.deadLetterQueueUrl, quick))
      .letters;

    const moved = await redriveDeadLetters(sys.clients.sqs, queues, quick);
    const processed = await processOrderQueue();

    expect(moved).toEqual([
      expect.objectContaining({ orderId: order.id, messageId: letter?.messageId }),
    ]);
    expect(await countOf(queues.deadLetterQueueUrl)).toBe(0);
    expect(processed.messages).toHaveLength(1);
    expect(processed.messages[0]).toMatchObject({
      Body: JSON.stringify(toOrderMessage(order)),
      Attributes: expect.objectContaining({ MessageGroupId: 'dlq-redrive' }),
      MessageAttributes: {
        [REDRIVEN_FROM_ATTRIBUTE]: expect.objectContaining({ StringValue: letter?.messageId }),
      },
    });
    expect(processed.runs).toEqual([order.id]);
    expect((await sys.deps.store.get(order.id))?.status).toBe('COMPLETED');
  });

  it('moves only the named order and hands the others back', async () => {
    const wanted = await deadLetteredOrder('dlq-pick-a');
    const other = await deadLetteredOrder('dlq-pick-b');

    const moved = await redriveDeadLetters(sys.clients.sqs, queues, {
      ...quick,
      orderId: wanted.id,
    });
    const left = await listDeadLetters(sys.clients.sqs, queues.deadLetterQueueUrl, quick);

    expect(moved.map((m) => m.orderId)).toEqual([wanted.id]);
    expect(left.letters.map((l) => l.orderId)).toEqual([other.id]);
    await redriveDeadLetters(sys.clients.sqs, queues, quick);
    expect((await processOrderQueue()).runs.sort()).toEqual([wanted.id, other.id].sort());
  });

  it.each([
    ['before the delete reached the queue', 'server-error', 1],
    ['after the delete, its answer lost', 'lost-response', 0],
  ] as const)(
    'processes a redriven order once when a run fails %s and is run again',
    async (_, fault, movedAgain) => {
      const order = await deadLetteredOrder(`dlq-crash-${fault}`);
      const crashing = createAwsClients('us-east-1').sqs;
      injectFaults(crashing).fail('DeleteMessageCommand', fault);

      // The send went through; the delete failed or its answer was lost.
      await expect(
        redriveDeadLetters(crashing, queues, { ...quick, visibilitySeconds: 0 }),
      ).rejects.toThrow(/injected/);
      const again = await redriveDeadLetters(sys.clients.sqs, queues, quick);
      const processed = await processOrderQueue();

      expect(again).toHaveLength(movedAgain);
      expect(await countOf(queues.deadLetterQueueUrl)).toBe(0);
      // A second send reuses the first one's deduplication id: one message, one run.
      expect(processed.messages).toHaveLength(1);
      expect(processed.runs).toEqual([order.id]);
    },
  );

  it('leaves an order that was processed meanwhile unchanged when its dead letter is redriven', async () => {
    const { order } = await placeOrder(sys.deps, orderRequest('dlq-done'));
    expect((await processOrderQueue()).runs).toEqual([order.id]);
    await sys.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.deadLetterQueueUrl,
        MessageBody: JSON.stringify(toOrderMessage(order)),
        MessageGroupId: order.customerId,
        MessageDeduplicationId: `late-${order.id}`,
      }),
    );

    await redriveDeadLetters(sys.clients.sqs, queues, quick);
    const processed = await processOrderQueue();

    expect(processed.messages).toHaveLength(1);
    expect(processed.runs).toEqual([]);
    expect(processed.outcomes).toEqual(['unchanged']);
    expect(processed.response.batchItemFailures).toEqual([]);
  });
});

describe('npm run dlq', () => {
  // The emulator is plain HTTP: extra CA certificates would only slow every node start.
  const { NODE_EXTRA_CA_CERTS: _, ...baseEnv } = process.env;
  const run = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(
      'node_modules/.bin/tsx',
      ['src/tools/dlq.ts', ...args, '--json'],
      {
        env: {
          ...baseEnv,
          ORDERS_DLQ_URL: queues.deadLetterQueueUrl,
          ORDERS_QUEUE_URL: queues.queueUrl,
        },
      },
    );
    return JSON.parse(stdout);
  };

  it('lists and redrives the dead-letter queue named by the environment', async () => {
    const order = await deadLetteredOrder('dlq-cli');

    const listed = await run('list');
    const redriven = await run('redrive', '--order', order.id);

    expect(listed).toMatchObject({
      approximateTotal: 1,
      letters: [{ orderId: order.id, customerId: 'dlq-cli' }],
    });
    expect(redriven.moved).toEqual([expect.objectContaining({ orderId: order.id })]);
    expect((await processOrderQueue()).runs).toEqual([order.id]);
  });

  it('exits 2 naming what is missing when the command or a queue URL is missing', async () => {
    const failure = await promisify(execFile)(
      'node_modules/.bin/tsx',
      ['src/tools/dlq.ts', 'peek'],
      {
        env: { ...baseEnv, ORDERS_DLQ_URL: '', ORDERS_QUEUE_URL: '' },
      },
    ).catch((error: { code: number; stderr: string }) => error);

    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toMatch(/usage: npm run dlq/);
    expect((failure as { stderr: string }).stderr).toMatch(/ORDERS_DLQ_URL is required/);
  });
});
