import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { OrderAlreadyExistsError, OrderStatusConflictError } from '../../domain/errors.js';
import type { OrderPosition, StatusPage } from '../../domain/ports.js';
import { createTestOrderSystem, type TestOrderSystem } from '../../testing/order-system.js';
import { anOrder } from '../../testing/orders.js';
import { DynamoDbOrderStore, INDEX_SHARDS, shardOf } from './dynamodb-order-store.js';

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
      (
        await store.listUndispatched({
          shard: shardOf(order.id),
          createdBefore: '2000-01-02T00:00:00.000Z',
          limit: 100,
        })
      ).map((o) => o.id);

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

  it("filters a customer's orders by status in the index, past pages of other statuses", async () => {
    // Prepare: 150 completed orders, newer than the one received order
    const customerId = `c-${randomUUID()}`;
    const received = anOrder({ customerId, createdAt: '2001-01-01T00:00:00.000Z' });
    await store.create(received);
    for (let i = 0; i < 150; i += 1) {
      await store.create(anOrder({ customerId, status: 'COMPLETED' }));
    }

    // Act
    const listed = await store.listByCustomer({ customerId, status: 'RECEIVED', limit: 5 });

    // Assess
    expect(listed.map((o) => o.id)).toEqual([received.id]);
    expect(listed[0]).toEqual(received);
  });
});

describe('sharded keys', () => {
  it('spreads order ids evenly over the shards', () => {
    // Prepare
    const counts = new Array<number>(INDEX_SHARDS).fill(0);
    // Act
    for (let i = 0; i < 16_000; i += 1) {
      const shard = shardOf(anOrder().id);
      counts[shard] = (counts[shard] ?? 0) + 1;
    }
    // Assess: 1 000 expected per shard; none above 1.15× (no hot shard)
    expect(Math.min(...counts)).toBeGreaterThan(850);
    expect(Math.max(...counts)).toBeLessThan(1_150);
  });

  it('keeps every index entry small whatever the order size', async () => {
    // Prepare
    const order = anOrder({
      items: Array.from({ length: 100 }, (_, i) => ({
        sku: `SKU-${'X'.repeat(60)}-${i}`,
        quantity: 1,
        unitPrice: { amount: 1, currency: 'EUR' },
        lineTotal: { amount: 1, currency: 'EUR' },
      })),
    });
    await store.create(order);
    // Act
    const item = (await sys.rawOrder(order.id)) ?? {};
    // Assess: the keys the indexes hold; everything else stays in the table
    expect(item).toMatchObject({
      statusShard: `OPEN#${shardOf(order.id)}`,
      dispatchPending: `PENDING#${shardOf(order.id)}`,
      sortKey: `${order.createdAt}#${order.id}`,
    });
    expect(item.customerStatus).toBeUndefined();
  });

  it('writes the pending marker only when a dispatch is recorded incomplete, and never on a cancelled order', async () => {
    // Prepare: three orders stored by their requests, each with its dispatch claim
    const now = new Date().toISOString();
    const claimed = () =>
      anOrder({ dispatch: { queued: false, alerted: false, claim: { token: 't', until: now } } });
    const [done, failed, cancelled] = [claimed(), claimed(), claimed()];
    for (const order of [done, failed, cancelled]) await store.create(order);
    const pending = async (id: string) => (await sys.rawOrder(id))?.dispatchPending;
    const before = await pending(done.id);

    // Act
    await store.markDispatched(done.id, { queued: true, alerted: true }, now, 't');
    await store.markDispatched(failed.id, { queued: true, alerted: false }, now, 't');
    await store.transition({ id: cancelled.id, from: ['RECEIVED'], to: 'CANCELLED', at: now });
    await store.markDispatched(cancelled.id, { queued: false, alerted: true }, now, 't');

    // Assess
    expect(before).toBeUndefined();
    expect(await pending(done.id)).toBeUndefined();
    expect(await pending(failed.id)).toBe(`PENDING#${shardOf(failed.id)}`);
    expect(await pending(cancelled.id)).toBeUndefined();
    expect((await sys.rawOrder(failed.id))?.claimToken).toBeUndefined();
  });
});

describe('orders by status across customers', () => {
  let own: TestOrderSystem;
  let byStatus: DynamoDbOrderStore;
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

  beforeAll(async () => {
    own = await createTestOrderSystem();
    byStatus = new DynamoDbOrderStore(own.clients.dynamo, own.resources.tableName);
  });

  it('merges every shard newest first, continues after a position and stops at createdAfter', async () => {
    // Prepare: 40 received orders of 8 customers, one a minute, and some of another status
    const orders = Array.from({ length: 40 }, (_, i) =>
      anOrder({ customerId: `c-${i % 8}`, createdAt: at(i), updatedAt: at(i) }),
    );
    for (const order of orders) await byStatus.create(order);
    for (let i = 0; i < 5; i += 1)
      await byStatus.create(anOrder({ status: 'FAILED', createdAt: at(i) }));
    const newestFirst = [...orders].reverse().map((o) => o.id);
    expect(new Set(orders.map((o) => shardOf(o.id))).size).toBeGreaterThan(8);

    // Act
    const { orders: first } = await byStatus.listByStatus({ status: 'RECEIVED', limit: 15 });
    const last = first.at(-1) as (typeof first)[number];
    const { orders: second } = await byStatus.listByStatus({
      status: 'RECEIVED',
      limit: 15,
      after: { id: last.id, createdAt: last.createdAt },
    });
    const { orders: recent } = await byStatus.listByStatus({
      status: 'RECEIVED',
      limit: 100,
      createdAfter: at(29),
    });
    const { orders: recentAfter } = await byStatus.listByStatus({
      status: 'RECEIVED',
      limit: 100,
      createdAfter: at(29),
      after: { id: orders[35]?.id ?? '', createdAt: at(35) },
    });

    // Assess
    expect(first.map((o) => o.id)).toEqual(newestFirst.slice(0, 15));
    expect(first[0]).toEqual(orders[39]);
    expect(second.map((o) => o.id)).toEqual(newestFirst.slice(15, 30));
    expect(recent.map((o) => o.id)).toEqual(newestFirst.slice(0, 10));
    expect(recentAfter.map((o) => o.id)).toEqual(newestFirst.slice(5, 10));
  });

  it('lists an order under its new status once its status changes', async () => {
    // Prepare
    const order = anOrder({ createdAt: at(100) });
    await byStatus.create(order);
    const ids = async (status: 'RECEIVED' | 'PROCESSING' | 'COMPLETED') =>
      (await byStatus.listByStatus({ status, limit: 100 })).orders.map((o) => o.id);
    // Act
    await byStatus.transition({ id: order.id, from: ['RECEIVED'], to: 'PROCESSING', at: at(101) });
    const taken = { processing: await ids('PROCESSING'), received: await ids('RECEIVED') };
    await byStatus.transition({ id: order.id, from: ['PROCESSING'], to: 'COMPLETED', at: at(102) });
    // Assess
    expect(taken.processing).toEqual([order.id]);
    expect(taken.received).not.toContain(order.id);
    expect(await ids('PROCESSING')).toEqual([]);
    expect(await ids('COMPLETED')).toEqual([order.id]);
  });

  it('fills a page of one open status from entries shared with the other, and resumes where a bounded read stopped', async () => {
    // Prepare: 30 orders taken for processing, older than 5 still received, then 30 received
    // newer again, all under the shared OPEN key
    const taken = Array.from({ length: 30 }, (_, i) => anOrder({ createdAt: at(200 + i) }));
    const received = Array.from({ length: 5 }, (_, i) => anOrder({ createdAt: at(190 + i) }));
    const newer = Array.from({ length: 30 }, (_, i) => anOrder({ createdAt: at(240 + i) }));
    for (const order of [...taken, ...received, ...newer]) await byStatus.create(order);
    for (const order of [...taken, ...newer]) {
      await byStatus.transition({
        id: order.id,
        from: ['RECEIVED'],
        to: 'PROCESSING',
        at: at(300),
      });
    }
    const receivedIds = [...received].reverse().map((o) => o.id);

    // Act
    const page = await byStatus.listByStatus({
      status: 'RECEIVED',
      limit: 3,
      createdAfter: at(150),
    });
    const rest = await byStatus.listByStatus({
      status: 'RECEIVED',
      limit: 3,
      createdAfter: at(150),
      after: page.orders.at(-1) as OrderPosition,
    });

    // Assess: a full page although 60 newer entries are of the other status
    expect(page.orders.map((o) => o.id)).toEqual(receivedIds.slice(0, 3));
    expect(page.resumeAfter).toBeUndefined();
    expect(rest.orders.map((o) => o.id)).toEqual(receivedIds.slice(3, 5));

    // A store that reads at most 20 entries a page stops short, and its next page goes on
    const bounded = new DynamoDbOrderStore(own.clients.dynamo, own.resources.tableName, {
      statusFilterMaxExamined: 20,
    });
    const short = await bounded.listByStatus({
      status: 'RECEIVED',
      limit: 3,
      createdAfter: at(150),
    });
    const pages = [short];
    while (pages.length < 10) {
      const last = pages.at(-1) as StatusPage;
      const after = last.resumeAfter ?? (last.orders.at(-1) as OrderPosition | undefined);
      if (after === undefined || (last.resumeAfter === undefined && last.orders.length < 3)) break;
      pages.push(
        await bounded.listByStatus({ status: 'RECEIVED', limit: 3, createdAfter: at(150), after }),
      );
    }
    expect(short.orders).toEqual([]);
    expect(short.resumeAfter).toBeDefined();
    expect(pages.flatMap((p) => p.orders.map((o) => o.id))).toEqual(receivedIds);
  });
});
