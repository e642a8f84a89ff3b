import { beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../domain/order.js';
import { ORDER_MESSAGE_SCHEMA_VERSION, toOrderMessage } from '../domain/order-message.js';
import { recordCompletionOnly } from '../domain/order-processing.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { placeOrder } from '../use-cases/place-order.js';
import { processOrder } from '../use-cases/process-order.js';
import { createConsumerHandler, RedeliveryWantedError } from './create-consumer-handler.js';
import { orderRequest, recordingLogger, sqsRecord } from './test-fixtures.js';

let system: TestOrderSystem;
beforeAll(async () => {
  system = await createTestOrderSystem();
});

const consumer = () => {
  const { logger, lines } = recordingLogger();
  const deps = {
    store: system.deps.store,
    clock: system.deps.clock,
    fulfilment: recordCompletionOnly,
  };
  return { handle: createConsumerHandler({ deps, logger }), lines };
};

const place = async (customerId: string) =>
  (await placeOrder(system.deps, orderRequest(customerId))).order;
const body = (order: Order) => JSON.stringify(toOrderMessage(order));
const stored = async (order: Order) => system.deps.store.get(order.id);
const unknownOrder = (customerId: string) =>
  JSON.stringify({
    schemaVersion: ORDER_MESSAGE_SCHEMA_VERSION,
    order: { id: 'ord_00000000000000000000000000000000', customerId },
  });

describe('createConsumerHandler', () => {
  it('fails poison records and the rest of their message group while other groups complete when a batch mixes them', async () => {
    // Prepare
    const [a1, a2, b2, c2, d2, e1, e3] = await Promise.all([
      place('mix-a'),
      place('mix-a'),
      place('mix-b'),
      place('mix-c'),
      place('mix-d'),
      place('mix-e'),
      place('mix-e'),
    ]);
    const records = {
      a1: sqsRecord(body(a1), 'mix-a'),
      b1: sqsRecord(unknownOrder('mix-b'), 'mix-b'),
      a2: sqsRecord(body(a2), 'mix-a'),
      b2: sqsRecord(body(b2), 'mix-b'),
      c1: sqsRecord('{"schemaVersion":1,"order":', 'mix-c'),
      d1: sqsRecord(JSON.stringify({ ...toOrderMessage(d2), schemaVersion: 2 }), 'mix-d'),
      a1Again: sqsRecord(body(a1), 'mix-a'),
      c2: sqsRecord(body(c2), 'mix-c'),
      e1: sqsRecord(body(e1), 'mix-e'),
      e2: sqsRecord(unknownOrder('mix-e'), 'mix-e'),
      d2: sqsRecord(body(d2), 'mix-d'),
      e3: sqsRecord(body(e3), 'mix-e'),
    };
    const untouched = await Promise.all([b2, c2, d2, e3].map(stored));
    const { handle, lines } = consumer();

    // Act
    const response = await handle({ Records: Object.values(records) });

    // Assess
    const failed = ['b1', 'b2', 'c1', 'd1', 'c2', 'e2', 'd2', 'e3'] as const;
    expect(response.batchItemFailures).toEqual(
      failed.map((key) => ({ itemIdentifier: records[key].messageId })),
    );
    for (const order of [a1, a2, e1]) {
      expect(await stored(order)).toMatchObject({
        status: 'COMPLETED',
        processedAt: expect.any(String),
      });
    }
    expect(await Promise.all([b2, c2, d2, e3].map(stored))).toEqual(untouched);
    expect(untouched.map((o) => o?.status)).toEqual([
      'RECEIVED',
      'RECEIVED',
      'RECEIVED',
      'RECEIVED',
    ]);
    const processed = lines.filter((l) => l.message === 'Order message processed');
    expect(processed.map((l) => [l.attributes.orderId, l.attributes.outcome])).toEqual([
      [a1.id, 'completed'],
      [a2.id, 'completed'],
      [a1.id, 'unchanged'],
      [e1.id, 'completed'],
    ]);
    const poison = lines.filter((l) => l.level === 'error').map((l) => l.attributes);
    expect(poison.map((p) => [p.messageId, p.poison])).toEqual(
      ['b1', 'c1', 'd1', 'e2'].map((key) => [records[key as 'b1'].messageId, true]),
    );
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(4);
  });

  it('reports no failures and leaves the order untouched when a completed order is delivered again', async () => {
    // Prepare
    const order = await place('redelivered');
    const { handle } = consumer();
    await handle({ Records: [sqsRecord(body(order), 'redelivered')] });
    const completed = await stored(order);

    // Act
    const response = await handle({ Records: [sqsRecord(body(order), 'redelivered', 2)] });

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(completed?.status).toBe('COMPLETED');
    expect(await stored(order)).toEqual(completed);
  });

  it('completes the order when it is found in PROCESSING after an interrupted attempt', async () => {
    // Prepare
    const order = await place('resumed');
    const at = new Date().toISOString();
    await system.deps.store.transition({ id: order.id, from: ['RECEIVED'], to: 'PROCESSING', at });
    const { handle } = consumer();

    // Act
    const response = await handle({ Records: [sqsRecord(body(order), 'resumed', 2)] });

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await stored(order)).toMatchObject({
      status: 'COMPLETED',
      processedAt: expect.any(String),
    });
  });

  it('acknowledges a cancelled order without processing it when its message arrives', async () => {
    // Prepare
    const order = await place('cancelled-first');
    const at = new Date().toISOString();
    const cancelled = await system.deps.store.transition({
      id: order.id,
      from: ['RECEIVED'],
      to: 'CANCELLED',
      at,
      set: { cancelledAt: at },
    });
    const { handle } = consumer();

    // Act
    const response = await handle({ Records: [sqsRecord(body(order), 'cancelled-first')] });

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await stored(order)).toEqual(cancelled);
  });

  it('lists every record as failed instead of throwing when the whole batch fails', async () => {
    // Prepare
    const records = [
      sqsRecord('not json', 'all-bad'),
      sqsRecord(unknownOrder('all-bad-2'), 'all-bad-2'),
    ];
    const { handle } = consumer();

    // Act
    const response = await handle({ Records: records });

    // Assess
    expect(response.batchItemFailures).toEqual(
      records.map((r) => ({ itemIdentifier: r.messageId })),
    );
  });
});

describe('a record processed but wanted again', () => {
  it('fails the record and counts the order as processed, not the record as a consumer failure, when processing asks for a redelivery', async () => {
    // Prepare
    const { logger, lines } = recordingLogger();
    const counted = { processed: [] as string[], failed: 0 };
    const deps = {
      store: system.deps.store,
      clock: system.deps.clock,
      fulfilment: recordCompletionOnly,
    };
    const handle = createConsumerHandler({
      deps,
      logger,
      meter: {
        orderProcessed: (outcome) => counted.processed.push(outcome),
        recordFailed: () => {
          counted.failed += 1;
        },
      },
      process: async (d, orderId, receiveCount) => {
        const processed = await processOrder(d, orderId);
        if (receiveCount === 1) throw new RedeliveryWantedError(processed);
        return processed;
      },
    });
    const order = await place('wanted-again');
    const record = sqsRecord(body(order), 'wanted-again');

    // Act
    const first = await handle({ Records: [record] });
    const again = await handle({ Records: [sqsRecord(body(order), 'wanted-again', 2)] });

    // Assess
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    expect(again).toEqual({ batchItemFailures: [] });
    expect(counted).toEqual({ processed: ['completed'], failed: 0 });
    expect(lines.map((l) => `${l.level} ${l.message}`)).toEqual([
      'warn Order message processed; it is delivered again',
      'info Order message processed',
    ]);
    expect((await stored(order))?.status).toBe('COMPLETED');
  });
});
