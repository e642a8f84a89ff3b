import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../domain/caller.js';
import {
  createGraphQLTestClient,
  GET_ORDER,
  LIST_ORDERS,
  orderInput,
  PLACE_ORDER,
  type PlacedOrderData,
} from '../testing/graphql-client.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';

let sys: TestOrderSystem;
const alice = `alice-${randomUUID()}`;
const bob = `bob-${randomUUID()}`;
const asCustomer = (customerId: string): Caller => ({
  kind: 'customer',
  subject: customerId,
  customerId,
});
let bobsOrderId: string;

beforeAll(async () => {
  sys = await createTestOrderSystem();
  const placed = await createGraphQLTestClient(sys.deps, asCustomer(bob)).execute<PlacedOrderData>(
    PLACE_ORDER,
    {
      input: orderInput({ customerId: bob }),
    },
  );
  bobsOrderId = placed.data?.placeOrder.order.id as string;
});

const CANCEL = `mutation Cancel($id: ID!) { cancelOrder(id: $id) { id status } }`;

describe('authorization in the resolvers', () => {
  it('lets a customer place and read their own orders', async () => {
    const api = createGraphQLTestClient(sys.deps, asCustomer(alice));
    const placed = await api.execute<PlacedOrderData>(PLACE_ORDER, {
      input: orderInput({ customerId: alice }),
    });
    const id = placed.data?.placeOrder.order.id;

    expect(placed.errors).toBeUndefined();
    expect((await api.execute<{ order: { id: string } }>(GET_ORDER, { id })).data?.order.id).toBe(
      id,
    );
    expect((await api.execute(LIST_ORDERS, { customerId: alice })).errors).toBeUndefined();
  });

  it('refuses an order placed for another customer and stores nothing', async () => {
    const api = createGraphQLTestClient(sys.deps, asCustomer(alice));
    const before = (await sys.scanOrders()).filter((o) => o.customerId === bob).length;

    const result = await api.execute(PLACE_ORDER, { input: orderInput({ customerId: bob }) });

    expect(result.errors?.[0]?.extensions).toEqual({
      code: 'FORBIDDEN',
      field: 'input.customerId',
    });
    expect((await sys.scanOrders()).filter((o) => o.customerId === bob)).toHaveLength(before);
  });

  it("hides another customer's order as if it did not exist", async () => {
    const api = createGraphQLTestClient(sys.deps, asCustomer(alice));
    expect(await api.execute(GET_ORDER, { id: bobsOrderId })).toEqual({ data: { order: null } });
  });

  it("refuses to list another customer's orders", async () => {
    const api = createGraphQLTestClient(sys.deps, asCustomer(alice));
    const result = await api.execute(LIST_ORDERS, { customerId: bob });
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', field: 'customerId' });
  });

  it("answers NOT_FOUND and changes nothing when a customer cancels another's order", async () => {
    const api = createGraphQLTestClient(sys.deps, asCustomer(alice));
    const result = await api.execute(CANCEL, { id: bobsOrderId });

    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await sys.rawOrder(bobsOrderId))?.status).toBe('RECEIVED');
  });

  it('lets an admin read and list any customer', async () => {
    const admin = createGraphQLTestClient(sys.deps, { kind: 'admin', subject: 'ops' });
    expect(
      (await admin.execute<{ order: { id: string } }>(GET_ORDER, { id: bobsOrderId })).data?.order
        .id,
    ).toBe(bobsOrderId);
    const list = await admin.execute<{ orders: { edges: { node: { id: string } }[] } }>(
      LIST_ORDERS,
      { customerId: bob },
    );
    expect(list.data?.orders.edges.map((e) => e.node.id)).toContain(bobsOrderId);
  });
});
