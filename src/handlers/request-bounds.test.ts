import { randomUUID } from 'node:crypto';
import { type OperationDefinitionNode, parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OrderStore } from '../domain/ports.js';
import { largestAnswerBytes } from '../graphql/answer-size.js';
import { OPERATION_LIMITS } from '../graphql/armor.js';
import { ORDER_ANSWER_BOUNDS } from '../graphql/order-answer-bounds.js';
import { orderSchema } from '../graphql/server.js';
import { ORDER_FIELDS } from '../testing/graphql-client.js';
import { createTestHttpApi, type TestHttpApi } from '../testing/http-api.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { largestOrderInput } from '../testing/orders.js';
import { placeOrder } from '../use-cases/place-order.js';

/** The largest page of orders with every field whose answer stays within the size limit. */
const LARGEST_FULL_PAGE = 23;
const SIZE_LIMIT = new RegExp(
  `Answer size limit of ${OPERATION_LIMITS.answerBytes} bytes exceeded`,
);

let sys: TestOrderSystem;
let api: TestHttpApi;
/** Calls that reached the order store, to tell a refusal before execution from one after. */
let storeCalls = 0;

beforeAll(async () => {
  sys = await createTestOrderSystem();
  const store = new Proxy(sys.deps.store, {
    get(target, name, receiver) {
      const member = Reflect.get(target, name, receiver);
      if (typeof member !== 'function') return member;
      return (...args: unknown[]) => {
        storeCalls += 1;
        return member.apply(target, args);
      };
    },
  }) satisfies OrderStore;
  api = createTestHttpApi({ deps: { ...sys.deps, store } });
});

const fullPage = (first: string) => `orders(customerId: $customerId${first}) {
  edges { cursor node { ${ORDER_FIELDS} } } pageInfo { hasNextPage endCursor } }`;
const aliased = (n: number, field: string) =>
  Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join('\n');

async function refusedBeforeExecution(query: string, variables: Record<string, unknown>) {
  const before = storeCalls;
  const answer = await api.post(query, variables);
  expect(answer.status).toBe(400);
  expect(answer.data).toBeUndefined();
  expect(answer.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(answer.errors?.[0]?.message).toMatch(SIZE_LIMIT);
  expect(storeCalls).toBe(before);
}

async function acceptedWithin(query: string, variables: Record<string, unknown>) {
  const answer = await api.post(query, variables);
  expect(answer.errors).toBeUndefined();
  expect(answer.status).toBe(200);
  expect(Buffer.byteLength(answer.text)).toBeLessThanOrEqual(OPERATION_LIMITS.answerBytes);
  return answer;
}

describe('answer size limit through the Lambda handler', () => {
  const customerId = `c-${randomUUID()}`;

  it('refuses ten aliases of orders with first = 100 given by a variable, before reading', async () => {
    const query = `query Flood($customerId: ID!, $n: Int) {
      ${aliased(10, `orders(customerId: $customerId, first: $n) { edges { node { ${ORDER_FIELDS} } } }`)}
    }`;

    await refusedBeforeExecution(query, { customerId, n: 100 });
  });

  type Operation = (n: number) => [string, Record<string, unknown>];
  it.each<[string, Operation]>([
    [
      'a literal',
      (n: number) => [`query P($customerId: ID!) { ${fullPage(`, first: ${n}`)} }`, {}],
    ],
    [
      'a variable',
      (n: number) => [`query P($customerId: ID!, $n: Int) { ${fullPage(', first: $n')} }`, { n }],
    ],
    [
      "a variable's default",
      (n: number) => [
        `query P($customerId: ID!, $n: Int = ${n}) { ${fullPage(', first: $n')} }`,
        {},
      ],
    ],
  ])('counts a page size given by %s, at the limit', async (_, make) => {
    const [fits, fitsVariables] = make(LARGEST_FULL_PAGE);
    const [past, pastVariables] = make(LARGEST_FULL_PAGE + 1);

    await acceptedWithin(fits, { customerId, ...fitsVariables });
    await refusedBeforeExecution(past, { customerId, ...pastVariables });
  });

  it("counts the schema's default page size when first is left out or null", async () => {
    const one = `query P($customerId: ID!, $n: Int) { ${fullPage(', first: $n')} }`;
    const two = `query P($customerId: ID!) { ${aliased(2, fullPage(''))} }`;

    await acceptedWithin(one, { customerId, n: null });
    await acceptedWithin(`query P($customerId: ID!) { ${fullPage('')} }`, { customerId });
    await refusedBeforeExecution(two, { customerId });
  });

  it('answers within the bound it computed when every order is as large as the rules allow', async () => {
    const input = largestOrderInput();
    for (let i = 0; i < LARGEST_FULL_PAGE; i += 1) {
      await placeOrder(sys.deps, largestOrderInput(i));
    }
    const query = `query P($customerId: ID!) { ${fullPage(`, first: ${LARGEST_FULL_PAGE}`)} }`;
    const document = parse(query);
    const bound = largestAnswerBytes(
      orderSchema(),
      document,
      document.definitions[0] as OperationDefinitionNode,
      { customerId: input.customerId },
      ORDER_ANSWER_BOUNDS,
    );

    const answer = await acceptedWithin(query, { customerId: input.customerId });

    const bytes = Buffer.byteLength(answer.text);
    expect(answer.text).toContain(input.items[0]?.sku);
    expect(bytes).toBeLessThanOrEqual(bound ?? 0);
    // The bound is close to what the largest orders really take, not a loose guess.
    expect(bytes).toBeGreaterThan(0.9 * (bound ?? 0));
  });
});

describe('mutation limit through the Lambda handler', () => {
  const place = (customerId: string, key: string, directive = '') =>
    `placeOrder(input: { customerId: "${customerId}", customerEmail: "ada@example.com",
      currency: "EUR", idempotencyKey: "${key}", items: [{ sku: "A", quantity: 1, unitPrice: 5 }] })
      ${directive} { order { id } }`;

  beforeAll(async () => {
    await sys.drain(sys.resources.queueUrl);
    await sys.drain(sys.resources.alertQueueUrl);
  });

  it.each([
    ['two aliases of placeOrder', (c: string) => `mutation { ${aliased(2, place(c, 'k'))} }`],
    [
      'ten aliases of placeOrder with distinct keys',
      (c: string) =>
        `mutation { ${Array.from({ length: 10 }, (_, i) => `a${i}: ${place(c, `k${i}`)}`).join(' ')} }`,
    ],
    [
      'placeOrder and cancelOrder',
      (c: string) => `mutation { ${place(c, 'k')} cancelOrder(id: "ord_x") { id } }`,
    ],
    [
      'placeOrder twice through fragments',
      (c: string) =>
        `mutation { ...A ... on Mutation { b: ${place(c, 'k2')} } } fragment A on Mutation { a: ${place(c, 'k1')} }`,
    ],
    [
      'a second placeOrder under @skip',
      (c: string) => `mutation { a: ${place(c, 'k1')} b: ${place(c, 'k2', '@skip(if: true)')} }`,
    ],
  ])('refuses %s before any write', async (_, make) => {
    const customerId = `c-${randomUUID()}`;
    const before = (await sys.scanOrders()).length;

    const answer = await api.post(make(customerId));

    expect(answer.status).toBe(400);
    expect(answer.data).toBeUndefined();
    expect(answer.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(answer.errors?.[0]?.message).toMatch(/^Mutation limit of 1 exceeded, found \d+/);
    expect((await sys.scanOrders()).length).toBe(before);
    expect(await sys.drain(sys.resources.queueUrl)).toEqual([]);
    expect(await sys.drain(sys.resources.alertQueueUrl)).toEqual([]);
  });

  it('places the order when one placeOrder comes with __typename', async () => {
    const customerId = `c-${randomUUID()}`;
    const answer = await api.post(`mutation { __typename ${place(customerId, 'k')} }`);

    expect(answer.errors).toBeUndefined();
    expect(answer.data).toMatchObject({ __typename: 'Mutation', placeOrder: { order: {} } });
  });
});
