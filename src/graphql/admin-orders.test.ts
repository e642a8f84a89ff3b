import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalSigningKey, LOCAL_ISSUER, type LocalSigningKey } from '../local/dev-tokens.js';
import { createGraphQLTestClient } from '../testing/graphql-client.js';
import { createTestHttpApi, type TestHttpApi } from '../testing/http-api.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { anOrder } from '../testing/orders.js';
import { PAGE_SIZE } from '../use-cases/list-orders.js';

const ADMIN_ORDERS = `query Admin($status: OrderStatus!, $createdAfter: DateTime, $first: Int, $after: String) {
  adminOrders(status: $status, createdAfter: $createdAfter, first: $first, after: $after) {
    edges { cursor node { id customerId status createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface AdminOrdersData {
  adminOrders: {
    edges: { cursor: string; node: { id: string; customerId: string; status: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

let sys: TestOrderSystem;
let key: LocalSigningKey;
let api: TestHttpApi;
const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 0, minute)).toISOString();
/** 25 cancelled orders of five customers, one a minute, newest last. */
const cancelled = Array.from({ length: 25 }, (_, i) =>
  anOrder({ customerId: `shop-${i % 5}`, status: 'CANCELLED', createdAt: at(i), updatedAt: at(i) }),
);
const newestFirst = [...cancelled].reverse().map((o) => o.id);

beforeAll(async () => {
  sys = await createTestOrderSystem();
  key = await createLocalSigningKey();
  for (const order of cancelled) await sys.deps.store.create(order);
  await sys.deps.store.create(anOrder({ status: 'COMPLETED', createdAt: at(30) }));
  api = createTestHttpApi(sys, {
    mode: 'jwt',
    adminGroup: 'admins',
    publicKey: key.publicKeyPem,
    issuer: LOCAL_ISSUER,
  });
});

async function asCaller(headers: Record<string, string>, variables: Record<string, unknown>) {
  const answer = await api.post(ADMIN_ORDERS, variables, headers);
  return { status: answer.status, body: JSON.parse(answer.text) };
}

describe('adminOrders', () => {
  it("pages every customer's orders of one status newest first with opaque cursors", async () => {
    // Prepare
    const admin = createGraphQLTestClient(sys.deps);
    // Act
    const first = await admin.execute<AdminOrdersData>(ADMIN_ORDERS, {
      status: 'CANCELLED',
      first: 10,
    });
    const second = await admin.execute<AdminOrdersData>(ADMIN_ORDERS, {
      status: 'CANCELLED',
      first: 10,
      after: first.data?.adminOrders.pageInfo.endCursor,
    });
    const third = await admin.execute<AdminOrdersData>(ADMIN_ORDERS, {
      status: 'CANCELLED',
      first: 10,
      after: second.data?.adminOrders.pageInfo.endCursor,
    });
    // Assess
    const ids = (page: typeof first) => page.data?.adminOrders.edges.map((e) => e.node.id);
    expect(first.errors).toBeUndefined();
    expect(ids(first)).toEqual(newestFirst.slice(0, 10));
    expect(ids(second)).toEqual(newestFirst.slice(10, 20));
    expect(ids(third)).toEqual(newestFirst.slice(20));
    expect(first.data?.adminOrders.pageInfo.hasNextPage).toBe(true);
    expect(third.data?.adminOrders.pageInfo.hasNextPage).toBe(false);
    expect(new Set(first.data?.adminOrders.edges.map((e) => e.node.customerId)).size).toBe(5);
  });

  it('lists only orders created after createdAfter, with the default page size', async () => {
    const admin = createGraphQLTestClient(sys.deps);
    const result = await admin.execute<AdminOrdersData>(ADMIN_ORDERS, {
      status: 'CANCELLED',
      createdAfter: at(19),
    });
    expect(result.data?.adminOrders.edges.map((e) => e.node.id)).toEqual(newestFirst.slice(0, 5));
    expect(PAGE_SIZE.default).toBe(20);
  });

  it.each([
    [{ first: 0 }, 'first'],
    [{ first: PAGE_SIZE.max + 1 }, 'first'],
    [{ after: 'bm90LWEtY3Vyc29y' }, 'after'],
  ])('refuses %o with BAD_USER_INPUT naming %s', async (variables, field) => {
    const admin = createGraphQLTestClient(sys.deps);
    const result = await admin.execute(ADMIN_ORDERS, { status: 'CANCELLED', ...variables });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('refuses an instant that is not a DateTime before any read', async () => {
    const admin = createGraphQLTestClient(sys.deps);
    const result = await admin.execute(ADMIN_ORDERS, {
      status: 'CANCELLED',
      createdAfter: 'yesterday',
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("answers an administrator's token through the Lambda handler", async () => {
    const token = await key.sign({ subject: 'ops', groups: ['admins'] });
    const response = await asCaller(
      { authorization: `Bearer ${token}` },
      { status: 'CANCELLED', first: 3 },
    );
    expect(response.status).toBe(200);
    expect(
      response.body.data.adminOrders.edges.map((e: { node: { id: string } }) => e.node.id),
    ).toEqual(newestFirst.slice(0, 3));
  });

  it('refuses a customer with FORBIDDEN and lists nothing', async () => {
    const token = await key.sign({ subject: 'shop-1' });
    const response = await asCaller({ authorization: `Bearer ${token}` }, { status: 'CANCELLED' });
    expect(response.status).toBe(200);
    expect(response.body.data).toBeNull();
    expect(response.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('refuses a request without a token with 401 UNAUTHENTICATED', async () => {
    const response = await asCaller({}, { status: 'CANCELLED' });
    expect(response.status).toBe(401);
    expect(response.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});
