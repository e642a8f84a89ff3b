import { beforeAll, describe, expect, it, vi } from 'vitest';
import { orderRequest } from '../consumer/test-fixtures.js';
import { OrderNotFoundError, ServiceUnavailableError } from '../domain/errors.js';
import type { Order } from '../domain/order.js';
import {
  type OrderFulfilment,
  OrderRejectedError,
  recordCompletionOnly,
} from '../domain/order-processing.js';
import type { OrderStore } from '../domain/ports.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { cancelOrder } from './cancel-order.js';
import { placeOrder } from './place-order.js';
import { type ProcessOrderDependencies, processOrder } from './process-order.js';

let system: TestOrderSystem;
beforeAll(async () => {
  system = await createTestOrderSystem();
});

const depsWith = (overrides: Partial<ProcessOrderDependencies> = {}): ProcessOrderDependencies => ({
  store: system.deps.store,
  clock: system.deps.clock,
  fulfilment: recordCompletionOnly,
  ...overrides,
});
const place = async (customerId = 'process-order') =>
  (await placeOrder(system.deps, orderRequest(customerId))).order;

describe('processOrder', () => {
  it('moves the order to COMPLETED with processedAt when it is RECEIVED', async () => {
    // Prepare
    const order = await place();
    const process = vi.fn<OrderFulfilment['process']>(async () => {});

    // Act
    const result = await processOrder(depsWith({ fulfilment: { process } }), order.id);

    // Assess
    expect(result.outcome).toBe('completed');
    expect(process).toHaveBeenCalledOnce();
    expect(process.mock.calls[0]?.[0]).toMatchObject({ id: order.id, status: 'PROCESSING' });
    const stored = await system.deps.store.get(order.id);
    expect(stored).toEqual(result.order);
    expect(stored).toMatchObject({ status: 'COMPLETED', processedAt: stored?.updatedAt });
    expect(stored?.cancelledAt).toBeUndefined();
  });

  it('throws OrderNotFoundError when no order has the id', async () => {
    await expect(processOrder(depsWith(), 'ord_ffffffffffffffffffffffffffffffff')).rejects.toThrow(
      OrderNotFoundError,
    );
  });

  it('changes nothing and skips the step when the order is already COMPLETED', async () => {
    // Prepare
    const order = await place();
    const completed = (await processOrder(depsWith(), order.id)).order;
    const process = vi.fn<OrderFulfilment['process']>(async () => {});

    // Act
    const result = await processOrder(depsWith({ fulfilment: { process } }), order.id);

    // Assess
    expect(result).toEqual({ order: completed, outcome: 'unchanged' });
    expect(process).not.toHaveBeenCalled();
    expect(await system.deps.store.get(order.id)).toEqual(completed);
  });

  it('leaves the order as is when it was cancelled before processing', async () => {
    // Prepare
    const order = await place();
    const cancelled = await cancelOrder(system.deps, order.id);

    // Act
    const result = await processOrder(depsWith(), order.id);

    // Assess
    expect(result).toEqual({ order: cancelled, outcome: 'unchanged' });
  });

  it('runs the step again and completes when the order is found in PROCESSING', async () => {
    // Prepare
    const order = await place();
    const at = new Date().toISOString();
    await system.deps.store.transition({ id: order.id, from: ['RECEIVED'], to: 'PROCESSING', at });
    const process = vi.fn<OrderFulfilment['process']>(async () => {});

    // Act
    const result = await processOrder(depsWith({ fulfilment: { process } }), order.id);

    // Assess
    expect(process).toHaveBeenCalledOnce();
    expect(result.outcome).toBe('completed');
    expect(result.order).toMatchObject({ status: 'COMPLETED', processedAt: expect.any(String) });
  });

  it('keeps the order in PROCESSING and throws when the step fails, then completes on a retry', async () => {
    // Prepare
    const order = await place();
    const outage = new ServiceUnavailableError('The warehouse is unavailable.');
    const failing = { process: async () => Promise.reject(outage) };

    // Act
    const first = processOrder(depsWith({ fulfilment: failing }), order.id);
    await expect(first).rejects.toBe(outage);
    const afterFailure = await system.deps.store.get(order.id);
    const retry = await processOrder(depsWith(), order.id);

    // Assess
    expect(afterFailure?.status).toBe('PROCESSING');
    expect(retry.order.status).toBe('COMPLETED');
  });

  it('moves the order to FAILED without processedAt when the step rejects it', async () => {
    // Prepare
    const order = await place();
    const rejecting = {
      process: async (o: Order) => Promise.reject(new OrderRejectedError(o.id, 'Out of stock.')),
    };

    // Act
    const result = await processOrder(depsWith({ fulfilment: rejecting }), order.id);

    // Assess
    expect(result.outcome).toBe('failed');
    expect(await system.deps.store.get(order.id)).toMatchObject({ status: 'FAILED' });
    expect(result.order.processedAt).toBeUndefined();
  });

  it('returns the cancelled order unchanged when a cancel wins the race to leave RECEIVED', async () => {
    // Prepare
    const order = await place();
    const store = system.deps.store;
    // The cancel lands between the processor's read and its conditional write.
    const racing: OrderStore = Object.create(store, {
      transition: {
        value: async (change: Parameters<OrderStore['transition']>[0]) => {
          if (change.to === 'PROCESSING') await cancelOrder(system.deps, change.id);
          return store.transition(change);
        },
      },
    });
    const process = vi.fn<OrderFulfilment['process']>(async () => {});

    // Act
    const result = await processOrder(
      depsWith({ store: racing, fulfilment: { process } }),
      order.id,
    );

    // Assess
    expect(result.outcome).toBe('unchanged');
    expect(result.order).toMatchObject({ status: 'CANCELLED', cancelledAt: expect.any(String) });
    expect(result.order.processedAt).toBeUndefined();
    expect(process).not.toHaveBeenCalled();
  });

  it('returns the completed order unchanged when another delivery completes it first', async () => {
    // Prepare
    const order = await place();
    // A second delivery of the same message finishes while this one runs the step.
    const process = vi.fn<OrderFulfilment['process']>(async () => {
      await processOrder(depsWith(), order.id);
    });

    // Act
    const result = await processOrder(depsWith({ fulfilment: { process } }), order.id);

    // Assess
    expect(process).toHaveBeenCalledOnce();
    expect(result.outcome).toBe('unchanged');
    expect(result.order.status).toBe('COMPLETED');
  });
});
