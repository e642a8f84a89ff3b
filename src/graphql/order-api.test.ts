import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createGraphQLTestClient,
  GET_ORDER,
  type GraphQLTestClient,
  LIST_ORDERS,
  orderInput,
  PLACE_ORDER,
  type PlacedOrderData,
} from '../testing/graphql-client.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';

let sys: TestOrderSystem;
let api: GraphQLTestClient;

beforeAll(async () => {
  sys = await createTestOrderSystem();
  api = createGraphQLTestClient(sys.deps);
});

beforeEach(async () => {
  // Each test starts with empty queues so that it counts only its own messages.
  await sys.drain(sys.resources.queueUrl);
  await sys.drain(sys.resources.alertQueueUrl);
});

const customer = () => `customer-${randomUUID()}`;

describe('placeOrder', () => {
  it('stores, queues and announces the order once when the input is valid', async () => {
    // Prepare
    const customerId = customer();

    // Act
    const result = await api.execute<PlacedOrderData>(PLACE_ORDER, {
      input: orderInput({ customerId }),
    });

    // Assess
    expect(result.errors).toBeUndefined();
    const order = result.data?.placeOrder.order;
    expect(order).toMatchObject({
      customerId,
      status: 'RECEIVED',
      total: { amount: 2699, currency: 'EUR' },
      items: [
        {
          sku: 'BOOK-1',
          quantity: 2,
          unitPrice: { amount: 1250, currency: 'EUR' },
          lineTotal: { amount: 2500, currency: 'EUR' },
        },
        {
          sku: 'PEN-7',
          quantity: 1,
          unitPrice: { amount: 199, currency: 'EUR' },
          lineTotal: { amount: 199, currency: 'EUR' },
        },
      ],
      processedAt: null,
      cancelledAt: null,
    });
    const id = order?.id as string;
    expect(await sys.rawOrder(id)).toMatchObject({
      id,
      customerId,
      total: 2699,
      queued: true,
      alerted: true,
    });
    expect((await sys.rawOrder(id))?.dispatchPending).toBeUndefined();

    const messages = await sys.drain(sys.resources.queueUrl);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.Attributes).toMatchObject({
      MessageGroupId: customerId,
      MessageDeduplicationId: id,
    });
    const body = JSON.parse(messages[0]?.Body ?? '');
    expect(body).toMatchObject({
      schemaVersion: 1,
      order: { id, customerId, status: 'RECEIVED', total: { amount: 2699 } },
    });
    expect(body.order.requestHash).toBeUndefined();

    const alerts = await sys.drain(sys.resources.alertQueueUrl);
    expect(alerts).toHaveLength(1);
    const alert = JSON.parse(alerts[0]?.Body ?? '');
    expect(alert.Subject).toBe(`New order ${id} received`);
    expect(alert.Message).toContain(id);
    // The alert e-mail names no one: the admin looks the customer up through the API.
    expect(alert.Message).not.toContain(customerId);
    expect(alert.Message).not.toContain(orderInput({ customerId }).customerEmail);
    expect(alert.Message).toContain('26.99 EUR');
    expect(alert.Message).toContain('2 lines, 3 units');
  });

  it('returns the same order and sends nothing more when a request is replayed with its key', async () => {
    const input = orderInput({ customerId: customer(), idempotencyKey: randomUUID() });
    const first = await api.execute<PlacedOrderData>(PLACE_ORDER, { input });
    const second = await api.execute<PlacedOrderData>(PLACE_ORDER, { input });

    expect(second.errors).toBeUndefined();
    expect(second.data?.placeOrder.order).toEqual(first.data?.placeOrder.order);
    expect((await sys.scanOrders()).filter((o) => o.customerId === input.customerId)).toHaveLength(
      1,
    );
    expect(await sys.drain(sys.resources.queueUrl)).toHaveLength(1);
    expect(await sys.drain(sys.resources.alertQueueUrl)).toHaveLength(1);
  });

  it('refuses a replayed key with a different payload as IDEMPOTENCY_CONFLICT', async () => {
    const input = orderInput({ customerId: customer(), idempotencyKey: randomUUID() });
    await api.execute(PLACE_ORDER, { input });
    const changed = await api.execute(PLACE_ORDER, {
      input: { ...input, items: [{ sku: 'BOOK-1', quantity: 3, unitPrice: 1250 }] },
    });

    expect(changed.data).toBeNull();
    expect(changed.errors?.[0]?.extensions).toEqual({
      code: 'IDEMPOTENCY_CONFLICT',
      field: 'input.idempotencyKey',
    });
    expect(await sys.drain(sys.resources.queueUrl)).toHaveLength(1);
  });

  it('creates one order and one queue message when duplicates race', async () => {
    const input = orderInput({ customerId: customer(), idempotencyKey: randomUUID() });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => api.execute<PlacedOrderData>(PLACE_ORDER, { input })),
    );

    const ids = new Set(results.map((r) => r.data?.placeOrder.order.id));
    expect(results.every((r) => r.errors === undefined)).toBe(true);
    expect(ids.size).toBe(1);
    expect((await sys.scanOrders()).filter((o) => o.customerId === input.customerId)).toHaveLength(
      1,
    );
    expect(await sys.drain(sys.resources.queueUrl)).toHaveLength(1);
    expect((await sys.drain(sys.resources.alertQueueUrl)).length).toBeGreaterThanOrEqual(1);
  });

  it('treats the same key from two customers as two requests', async () => {
    const idempotencyKey = randomUUID();
    const a = await api.execute<PlacedOrderData>(PLACE_ORDER, {
      input: orderInput({ customerId: customer(), idempotencyKey }),
    });
    const b = await api.execute<PlacedOrderData>(PLACE_ORDER, {
      input: orderInput({ customerId: customer(), idempotencyKey }),
    });
    expect(a.data?.placeOrder.order.id).not.toBe(b.data?.placeOrder.order.id);
  });

  const badInputs: [string, Record<string, unknown>, string][] = [
    ['no items', { items: [] }, 'input.items'],
    ['quantity 0', { items: [{ sku: 'A', quantity: 0, unitPrice: 1 }] }, 'input.items[0].quantity'],
    [
      'quantity 10001',
      { items: [{ sku: 'A', quantity: 10_001, unitPrice: 1 }] },
      'input.items[0].quantity',
    ],
    [
      'a negative price',
      { items: [{ sku: 'A', quantity: 1, unitPrice: -5 }] },
      'input.items[0].unitPrice',
    ],
    [
      'a price over the limit',
      { items: [{ sku: 'A', quantity: 1, unitPrice: 100_000_001 }] },
      'input.items[0].unitPrice',
    ],
    ['an empty sku', { items: [{ sku: '', quantity: 1, unitPrice: 1 }] }, 'input.items[0].sku'],
    [
      'a duplicate sku',
      {
        items: [
          { sku: 'A', quantity: 1, unitPrice: 1 },
          { sku: 'A', quantity: 1, unitPrice: 1 },
        ],
      },
      'input.items[1].sku',
    ],
    ['a blank customer', { customerId: '  ' }, 'input.customerId'],
    ['a bad e-mail', { customerEmail: 'not-an-email' }, 'input.customerEmail'],
    ['an unknown currency', { currency: 'XYZ' }, 'input.currency'],
    ['a lower-case currency', { currency: 'usd' }, 'input.currency'],
    ['a long idempotency key', { idempotencyKey: 'k'.repeat(129) }, 'input.idempotencyKey'],
  ];

  it.each(badInputs)('rejects %s as BAD_USER_INPUT and writes nothing', async (_, patch, field) => {
    const customerId = customer();
    const result = await api.execute(PLACE_ORDER, { input: orderInput({ customerId, ...patch }) });

    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect((await sys.scanOrders()).filter((o) => o.customerId === customerId)).toHaveLength(0);
    expect(await sys.drain(sys.resources.queueUrl)).toHaveLength(0);
    expect(await sys.drain(sys.resources.alertQueueUrl)).toHaveLength(0);
  });

  it('rejects a quantity that is not a 32-bit integer before any resolver runs', async () => {
    const result = await api.execute(PLACE_ORDER, {
      input: orderInput({ items: [{ sku: 'A', quantity: 2 ** 31, unitPrice: 1 }] }),
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await sys.drain(sys.resources.queueUrl)).toHaveLength(0);
  });
});

describe('order', () => {
  it('reads a placed order back when its id is known', async () => {
    const placed = await api.execute<PlacedOrderData>(PLACE_ORDER, {
      input: orderInput({ customerId: customer() }),
    });
    const order = placed.data?.placeOrder.order;
    const read = await api.execute<{ order: unknown }>(GET_ORDER, { id: order?.id });
    expect(read.errors).toBeUndefined();
    expect(read.data?.order).toEqual(order);
  });

  it('returns null without an error when the id is unknown', async () => {
    const read = await api.execute(GET_ORDER, { id: 'ord_unknown' });
    expect(read).toEqual({ data: { order: null } });
  });
});

describe('orders', () => {
  interface Page {
    orders: {
      edges: { cursor: string; node: { id: string; createdAt: string } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  }

  it('pages through 25 orders newest first with no duplicate or gap', async () => {
    const customerId = customer();
    const placed: string[] = [];
    for (let i = 0; i < 25; i += 1) {
      const r = await api.execute<PlacedOrderData>(PLACE_ORDER, {
        input: orderInput({ customerId }),
      });
      placed.push(r.data?.placeOrder.order.id as string);
    }
    const seen: string[] = [];
    const pages: number[] = [];
    let after: string | null = null;
    for (;;) {
      const result: { data?: Page | null } = await api.execute<Page>(LIST_ORDERS, {
        customerId,
        first: 7,
        after,
      });
      const connection = result.data?.orders;
      if (!connection) throw new Error('no page');
      pages.push(connection.edges.length);
      seen.push(...connection.edges.map((e) => e.node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(pages).toEqual([7, 7, 7, 4]);
    expect(seen).toEqual([...placed].reverse());
  });

  it('returns an empty connection when the customer has no orders', async () => {
    const result = await api.execute(LIST_ORDERS, { customerId: customer() });
    expect(result.data).toEqual({
      orders: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } },
    });
  });

  it.each([
    ['first above 100', { first: 101 }, 'first'],
    ['first of 0', { first: 0 }, 'first'],
    ['a cursor that was not issued by the API', { after: 'bm90LWEtY3Vyc29y' }, 'after'],
  ])('rejects %s as BAD_USER_INPUT', async (_, args, field) => {
    const result = await api.execute(LIST_ORDERS, { customerId: customer(), ...args });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});
