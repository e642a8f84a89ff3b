import { beforeAll, describe, expect, it } from 'vitest';
import { orderRequest } from '../consumer/test-fixtures.js';
import { OrderNotCancellableError, OrderNotFoundError } from '../domain/errors.js';
import { recordCompletionOnly } from '../domain/order-processing.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { cancelOrder } from './cancel-order.js';
import { placeOrder } from './place-order.js';
import { processOrder } from './process-order.js';

let system: TestOrderSystem;
beforeAll(async () => {
  system = await createTestOrderSystem();
});

const place = async (customerId = 'cancel-order') =>
  (await placeOrder(system.deps, orderRequest(customerId))).order;
/** Waits some turns of the event loop, so that the racers meet at different points. */
const turns = async (count: number) => {
  for (let i = 0; i < count; i++) await new Promise(setImmediate);
};
const processorDeps = () => ({
  store: system.deps.store,
  clock: system.deps.clock,
  fulfilment: recordCompletionOnly,
});

describe('cancelOrder', () => {
  it('cancels the order and records cancelledAt when it is RECEIVED', async () => {
    // Prepare
    const order = await place();

    // Act
    const cancelled = await cancelOrder(system.deps, order.id);

    // Assess
    expect(cancelled).toMatchObject({ id: order.id, status: 'CANCELLED' });
    expect(cancelled.cancelledAt).toBe(cancelled.updatedAt);
    expect(cancelled.processedAt).toBeUndefined();
    expect(await system.deps.store.get(order.id)).toEqual(cancelled);
  });

  it('returns the cancelled order unchanged when it is cancelled again', async () => {
    // Prepare
    const order = await place();
    const first = await cancelOrder(system.deps, order.id);

    // Act
    const second = await cancelOrder(system.deps, order.id);

    // Assess
    expect(second).toEqual(first);
  });

  it.each([
    ['COMPLETED', 'once processing completed'],
    ['PROCESSING', 'while it is being processed'],
  ] as const)(
    'throws OrderNotCancellableError naming %s when cancelled %s',
    async (status, _when) => {
      // Prepare
      const order = await place();
      if (status === 'COMPLETED') await processOrder(processorDeps(), order.id);
      else {
        const at = new Date().toISOString();
        await system.deps.store.transition({ id: order.id, from: ['RECEIVED'], to: status, at });
      }
      const before = await system.deps.store.get(order.id);

      // Act
      const attempt = cancelOrder(system.deps, order.id);

      // Assess
      await expect(attempt).rejects.toThrow(OrderNotCancellableError);
      await expect(attempt).rejects.toMatchObject({ status, code: 'ORDER_NOT_CANCELLABLE' });
      expect(await system.deps.store.get(order.id)).toEqual(before);
    },
  );

  it('throws OrderNotFoundError when no order has the id', async () => {
    await expect(cancelOrder(system.deps, 'ord_eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee')).rejects.toThrow(
      OrderNotFoundError,
    );
  });

  it('leaves exactly one winner and a consistent order when cancel and processing race', async () => {
    // Prepare
    const orders = await Promise.all(Array.from({ length: 20 }, (_, i) => place(`race-${i}`)));

    // Act
    const outcomes = await Promise.all(
      orders.map(async (order, i) => {
        // Staggered starts make both racers win some of the orders.
        const [cancel, process] = await Promise.allSettled([
          turns(i % 2 === 0 ? i % 4 : 0).then(() => cancelOrder(system.deps, order.id)),
          turns(i % 2 === 1 ? i % 4 : 0).then(() => processOrder(processorDeps(), order.id)),
        ]);
        return { id: order.id, cancel, process };
      }),
    );

    // Assess
    for (const { id, cancel, process } of outcomes) {
      const stored = await system.deps.store.get(id);
      expect(process.status).toBe('fulfilled');
      if (stored?.status === 'CANCELLED') {
        expect(cancel).toMatchObject({ status: 'fulfilled', value: stored });
        expect(process).toMatchObject({ value: { outcome: 'unchanged' } });
        expect(stored.cancelledAt).toEqual(expect.any(String));
        expect(stored.processedAt).toBeUndefined();
      } else {
        expect(stored?.status).toBe('COMPLETED');
        expect(cancel).toMatchObject({
          status: 'rejected',
          reason: expect.any(OrderNotCancellableError),
        });
        expect(process).toMatchObject({ value: { outcome: 'completed', order: stored } });
        expect(stored?.processedAt).toEqual(expect.any(String));
        expect(stored?.cancelledAt).toBeUndefined();
      }
    }
  });
});
