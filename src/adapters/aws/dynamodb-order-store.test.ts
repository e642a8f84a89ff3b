import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { OrderAlreadyExistsError, OrderStatusConflictError } from '../../domain/errors.js';
import { createTestOrderSystem, type TestOrderSystem } from '../../testing/order-system.js';
import { anOrder } from '../../testing/orders.js';
import { DynamoDbOrderStore } from './dynamodb-order-store.js';

let sys: TestOrderSystem;
let store: DynamoDbOrderStore;

beforeAll(async () => {
  sys = await createTestOrderSystem();
  store = new DynamoDbOrderStore(sys.clients.dynamo, sys.resources.tableName);
});

describe('DynamoDbOrderStore', () => {
  it('reads back exactly what it stored', async () => {
    const order = anOrder();
    await store.create(order);
    expect(await store.get(order.id)).toEqual(order);
  });

  it('refuses to overwrite when the id is taken', async () => {
    const order = anOrder();
    await store.create(order);
    await expect(
      store.create({ ...order, customerEmail: 'eve@example.com' }),
    ).rejects.toBeInstanceOf(OrderAlreadyExistsError);
    expect((await store.get(order.id))?.customerEmail).toBe('ada@example.com');
  });

  it('returns undefined when no order has the id', async () => {
    expect(await store.get('ord_missing')).toBeUndefined();
  });

  it('never clears a dispatch flag when racing updates each know one side', async () => {
    const order = anOrder();
    await store.create(order);
    const at = new Date().toISOString();
    await Promise.all([
      store.markDispatched(order.id, { queued: true, alerted: false }, at),
      store.markDispatched(order.id, { queued: false, alerted: true }, at),
    ]);
    expect((await store.get(order.id))?.dispatch).toEqual({ queued: true, alerted: true });
  });

  it('lists undispatched orders until both side effects are recorded', async () => {
    const order = anOrder({ createdAt: '2000-01-01T00:00:00.000Z' });
    await store.create(order);
    const pending = async () =>
      (await store.listUndispatched('2000-01-02T00:00:00.000Z', 100)).map((o) => o.id);

    expect(await pending()).toContain(order.id);
    await store.markDispatched(order.id, { queued: true, alerted: false }, order.createdAt);
    expect(await pending()).toContain(order.id);
    await store.markDispatched(order.id, { queued: true, alerted: true }, order.createdAt);
    expect(await pending()).not.toContain(order.id);
  });

  it('moves the status and the status index together when the order is in an expected status', async () => {
    const customerId = `c-${randomUUID()}`;
    const order = anOrder({ customerId });
    await store.create(order);
    const at = new Date().toISOString();

    const moved = await store.transition({
      id: order.id,
      from: ['RECEIVED'],
      to: 'CANCELLED',
      at,
      set: { cancelledAt: at },
    });

    expect(moved).toMatchObject({ status: 'CANCELLED', cancelledAt: at, updatedAt: at });
    expect(await store.listByCustomer({ customerId, status: 'RECEIVED', limit: 10 })).toEqual([]);
    expect(
      (await store.listByCustomer({ customerId, status: 'CANCELLED', limit: 10 })).map((o) => o.id),
    ).toEqual([order.id]);
  });

  it('refuses a status change when the order is in another status or missing', async () => {
    const order = anOrder({ status: 'COMPLETED' });
    await store.create(order);
    const change = {
      from: ['RECEIVED'] as const,
      to: 'CANCELLED' as const,
      at: new Date().toISOString(),
    };

    await expect(store.transition({ id: order.id, ...change })).rejects.toBeInstanceOf(
      OrderStatusConflictError,
    );
    await expect(store.transition({ id: 'ord_missing', ...change })).rejects.toBeInstanceOf(
      OrderStatusConflictError,
    );
    expect((await store.get(order.id))?.status).toBe('COMPLETED');
  });

  it("lists past DynamoDB's 1 MB page when orders are large", async () => {
    const customerId = `c-${randomUUID()}`;
    const line = (i: number) => ({
      sku: `${'S'.repeat(200)}${String(i).padStart(4, '0')}`,
      quantity: 1,
      unitPrice: { amount: 1, currency: 'EUR' },
      lineTotal: { amount: 1, currency: 'EUR' },
    });
    const big = () =>
      anOrder({ customerId, items: Array.from({ length: 100 }, (_, i) => line(i)) });
    for (let i = 0; i < 120; i += 1) await store.create(big());

    const listed = await store.listByCustomer({ customerId, limit: 101 });

    expect(listed).toHaveLength(101);
    expect(new Set(listed.map((o) => o.id)).size).toBe(101);
  });
});
