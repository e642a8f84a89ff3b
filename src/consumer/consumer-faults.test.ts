import type { SQSRecord } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Order } from '../domain/order.js';
import { toOrderMessage } from '../domain/order-message.js';
import type { OrderFulfilment } from '../domain/order-processing.js';
import { type FaultKind, type FaultSwitch, injectFaults } from '../testing/fault-injection.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { placeOrder } from '../use-cases/place-order.js';
import { type ConsumerLogger, createConsumerHandler } from './create-consumer-handler.js';
import { orderRequest, sqsRecord } from './test-fixtures.js';

let sys: TestOrderSystem;
let faults: FaultSwitch;

beforeAll(async () => {
  sys = await createTestOrderSystem();
  // The document client shares the low-level client's middleware stack: one switch covers both.
  faults = injectFaults(sys.clients.dynamo);
});

beforeEach(() => faults.calm());

/** A fulfilment that counts its runs per order and can act when it starts on one. */
function countingFulfilment(onProcess: (order: Order) => void = () => {}) {
  const runs = new Map<string, number>();
  const fulfilment: OrderFulfilment = {
    process: async (order) => {
      runs.set(order.id, (runs.get(order.id) ?? 0) + 1);
      onProcess(order);
    },
  };
  return { fulfilment, runs };
}

/** A logger that calls `afterFirst` once the first record of a batch has been processed. */
function loggerArming(afterFirst: () => void): ConsumerLogger {
  let armed = false;
  return {
    info: () => {
      if (armed) return;
      armed = true;
      afterFirst();
    },
    warn: () => {},
    error: () => {},
  };
}

const quietLogger: ConsumerLogger = { info: () => {}, warn: () => {}, error: () => {} };

/** Orders in three message groups and a batch that interleaves them: a1 b1 a2 c1 b2. */
async function interleavedBatch(tag: string) {
  const place = async (group: string) =>
    (await placeOrder(sys.deps, orderRequest(`${tag}-${group}`))).order;
  const [a1, b1, a2, c1, b2] = await Promise.all([
    place('a'),
    place('b'),
    place('a'),
    place('c'),
    place('b'),
  ]);
  const orders = { a1, b1, a2, c1, b2 } as Record<'a1' | 'b1' | 'a2' | 'c1' | 'b2', Order>;
  const record = (order: Order, receiveCount = 1): SQSRecord =>
    sqsRecord(JSON.stringify(toOrderMessage(order)), order.customerId, receiveCount);
  return { orders, record };
}

const stored = async (order: Order) => sys.deps.store.get(order.id);
const statuses = async (orders: readonly Order[]) =>
  Promise.all(orders.map(async (o) => (await stored(o))?.status));
const ids = (records: readonly SQSRecord[]) =>
  records.map((r) => ({ itemIdentifier: r.messageId }));

describe('order consumer under DynamoDB faults', () => {
  it.each<[string, FaultKind, 'RECEIVED' | 'PROCESSING']>([
    ['GetItemCommand', 'server-error', 'RECEIVED'],
    ['GetItemCommand', 'throttling', 'RECEIVED'],
    ['GetItemCommand', 'timeout', 'RECEIVED'],
    ['GetItemCommand', 'lost-response', 'RECEIVED'],
    ['UpdateItemCommand', 'server-error', 'RECEIVED'],
    ['UpdateItemCommand', 'throttling', 'RECEIVED'],
    ['UpdateItemCommand', 'timeout', 'RECEIVED'],
    ['UpdateItemCommand', 'lost-response', 'PROCESSING'],
  ])(
    'fails the second record and the rest of its group, then completes them once on redelivery, when %s meets a %s',
    async (command, kind, leftIn) => {
      // Prepare
      const { orders, record } = await interleavedBatch(`${command}-${kind}`);
      const { a1, b1, a2, c1, b2 } = orders;
      const batch = [a1, b1, a2, c1, b2].map((o) => record(o));
      const { fulfilment, runs } = countingFulfilment();
      const deps = { store: sys.deps.store, clock: sys.deps.clock, fulfilment };
      const logger = loggerArming(() => faults.fail(command, kind));
      const injectedBefore = faults.injected;

      // Act
      const first = await createConsumerHandler({ deps, logger })({ Records: batch });

      // Assess: b1 failed at its first call of `command`, b2 waited behind it, a and c went on.
      expect(first.batchItemFailures).toEqual(ids([batch[1], batch[4]] as SQSRecord[]));
      expect(faults.log.slice(injectedBefore)).toEqual([
        expect.objectContaining({ command, faultKind: kind }),
      ]);
      expect(await statuses([a1, a2, c1])).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
      expect(await statuses([b1, b2])).toEqual([leftIn, 'RECEIVED']);
      const completedFirst = await Promise.all([a1, a2, c1].map(stored));

      // Act: the queue delivers the failed records again; the faults are gone.
      faults.calm();
      const handle = createConsumerHandler({ deps, logger: quietLogger });
      const retry = await handle({ Records: [record(b1, 2), record(b2, 2)] });
      // A late duplicate of the whole batch changes nothing either.
      const replay = await handle({ Records: [a1, b1, a2, c1, b2].map((o) => record(o, 3)) });

      // Assess
      expect(retry.batchItemFailures).toEqual([]);
      expect(replay.batchItemFailures).toEqual([]);
      const all = [a1, b1, a2, c1, b2];
      expect(await statuses(all)).toEqual(all.map(() => 'COMPLETED'));
      expect(await Promise.all([a1, a2, c1].map(stored))).toEqual(completedFirst);
      for (const order of all) {
        expect((await stored(order))?.processedAt).toEqual(expect.any(String));
        expect(runs.get(order.id)).toBe(1);
      }
    },
  );

  it('completes the order once and leaves it COMPLETED when the response to the completing update is lost', async () => {
    // Prepare
    const { orders, record } = await interleavedBatch('lost-completion');
    const { a1, b1, a2, c1, b2 } = orders;
    const batch = [a1, b1, a2, c1, b2].map((o) => record(o));
    // Starting b1's fulfilment arms the fault for the next update: the one that completes b1.
    const { fulfilment, runs } = countingFulfilment((order) => {
      if (order.id === b1.id) faults.fail('UpdateItemCommand', 'lost-response');
    });
    const handle = createConsumerHandler({
      deps: { store: sys.deps.store, clock: sys.deps.clock, fulfilment },
      logger: quietLogger,
    });

    // Act
    const first = await handle({ Records: batch });
    const completed = await stored(b1);
    faults.calm();
    const retry = await handle({ Records: [record(b1, 2), record(b2, 2)] });

    // Assess: the update was applied though b1's record failed; the redelivery finds it done.
    expect(first.batchItemFailures).toEqual(ids([batch[1], batch[4]] as SQSRecord[]));
    expect(completed).toMatchObject({ status: 'COMPLETED', processedAt: expect.any(String) });
    expect(retry.batchItemFailures).toEqual([]);
    expect(await stored(b1)).toEqual(completed);
    expect(await statuses([a1, a2, c1, b2])).toEqual([
      'COMPLETED',
      'COMPLETED',
      'COMPLETED',
      'COMPLETED',
    ]);
    for (const order of [a1, b1, a2, c1, b2]) expect(runs.get(order.id)).toBe(1);
  });

  it('resumes the order from PROCESSING and completes it once when the completing update fails', async () => {
    // Prepare
    const { orders, record } = await interleavedBatch('failed-completion');
    const { a1, b1, a2, c1, b2 } = orders;
    const batch = [a1, b1, a2, c1, b2].map((o) => record(o));
    const { fulfilment, runs } = countingFulfilment((order) => {
      if (order.id === b1.id && runs.get(order.id) === 1) {
        faults.fail('UpdateItemCommand', 'server-error');
      }
    });
    const handle = createConsumerHandler({
      deps: { store: sys.deps.store, clock: sys.deps.clock, fulfilment },
      logger: quietLogger,
    });

    // Act
    const first = await handle({ Records: batch });
    const interrupted = await stored(b1);
    faults.calm();
    const retry = await handle({ Records: [record(b1, 2), record(b2, 2)] });
    const completed = await stored(b1);
    const replay = await handle({ Records: [record(b1, 3)] });

    // Assess: the completion never reached the table, so the redelivery runs fulfilment again,
    // which is why fulfilment must be idempotent; the order still completes exactly once.
    expect(first.batchItemFailures).toEqual(ids([batch[1], batch[4]] as SQSRecord[]));
    expect(interrupted).toMatchObject({ status: 'PROCESSING' });
    expect(interrupted?.processedAt).toBeUndefined();
    expect(retry.batchItemFailures).toEqual([]);
    expect(replay.batchItemFailures).toEqual([]);
    expect(completed).toMatchObject({ status: 'COMPLETED', processedAt: expect.any(String) });
    expect(await stored(b1)).toEqual(completed);
    expect(runs.get(b1.id)).toBe(2);
    for (const order of [a1, a2, c1, b2]) expect(runs.get(order.id)).toBe(1);
  });
});
