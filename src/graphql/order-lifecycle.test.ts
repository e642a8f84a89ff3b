import type { ApolloServer } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsumerHandler } from '../consumer/create-consumer-handler.js';
import { eventually, orderRequest, recordingLogger } from '../consumer/test-fixtures.js';
import { TRUSTED_CALLER } from '../domain/caller.js';
import { ORDER_STATUSES, type OrderStatus } from '../domain/order.js';
import { OrderRejectedError, recordCompletionOnly } from '../domain/order-processing.js';
import { startQueuePoller } from '../local/queue-poller.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { processOrder } from '../use-cases/process-order.js';
import type { GraphQLContext } from './context.js';
import { createGraphQLServer } from './server.js';

let system: TestOrderSystem;
let server: ApolloServer<GraphQLContext>;
const unexpected: unknown[] = [];

beforeAll(async () => {
  system = await createTestOrderSystem();
  server = createGraphQLServer({ logger: { error: (_, details) => unexpected.push(details) } });
  await server.start();
});
afterAll(async () => {
  await server.stop();
});

interface GraphQLOrder {
  id: string;
  status: OrderStatus;
  updatedAt: string;
  processedAt: string | null;
  cancelledAt: string | null;
}

async function execute<T>(query: string, variables: Record<string, unknown> = {}) {
  const response = await server.executeOperation(
    { query, variables },
    { contextValue: { deps: system.deps, caller: TRUSTED_CALLER, requestId: 'test-request' } },
  );
  if (response.body.kind !== 'single') throw new Error('Expected a single result');
  // As a client receives it: DateTime values become ISO strings on the wire.
  return JSON.parse(JSON.stringify(response.body.singleResult)) as {
    data?: T | null;
    errors?: GraphQLFormattedError[];
  };
}

const ORDER_FIELDS = 'id status updatedAt processedAt cancelledAt';
const PLACE_ORDER = `mutation Place($input: PlaceOrderInput!) {
  placeOrder(input: $input) { order { ${ORDER_FIELDS} } }
}`;
const CANCEL_ORDER = `mutation Cancel($id: ID!) { cancelOrder(id: $id) { ${ORDER_FIELDS} } }`;
const ORDER = `query Order($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`;
const ORDERS = `query Orders($customerId: ID!, $status: OrderStatus) {
  orders(customerId: $customerId, status: $status) { edges { node { id status } } }
}`;

async function place(customerId: string): Promise<GraphQLOrder> {
  const { data, errors } = await execute<{ placeOrder: { order: GraphQLOrder } }>(PLACE_ORDER, {
    input: orderRequest(customerId),
  });
  if (!data) throw new Error(`placeOrder failed: ${JSON.stringify(errors)}`);
  return data.placeOrder.order;
}
const cancel = (id: string) => execute<{ cancelOrder: GraphQLOrder }>(CANCEL_ORDER, { id });
const processorDeps = () => ({
  store: system.deps.store,
  clock: system.deps.clock,
  fulfilment: recordCompletionOnly,
});

describe('Mutation.cancelOrder', () => {
  it('returns the order CANCELLED with cancelledAt when it is RECEIVED', async () => {
    // Prepare
    const order = await place('gql-cancel');

    // Act
    const { data, errors } = await cancel(order.id);

    // Assess
    expect(errors).toBeUndefined();
    expect(data?.cancelOrder).toMatchObject({
      id: order.id,
      status: 'CANCELLED',
      cancelledAt: expect.any(String),
      processedAt: null,
    });
    expect(data?.cancelOrder.cancelledAt).toBe(data?.cancelOrder.updatedAt);
  });

  it('returns the same cancelled order when it is cancelled twice', async () => {
    // Prepare
    const order = await place('gql-cancel');
    const first = await cancel(order.id);

    // Act
    const second = await cancel(order.id);

    // Assess
    expect(second).toEqual(first);
    expect(second.data?.cancelOrder.status).toBe('CANCELLED');
  });

  it('fails with ORDER_NOT_CANCELLABLE and leaves the order COMPLETED when it was processed', async () => {
    // Prepare
    const order = await place('gql-cancel');
    await processOrder(processorDeps(), order.id);

    // Act
    const { data, errors } = await cancel(order.id);

    // Assess
    expect(data).toBeNull();
    expect(errors).toEqual([
      expect.objectContaining({
        path: ['cancelOrder'],
        extensions: { code: 'ORDER_NOT_CANCELLABLE', field: 'id' },
      }),
    ]);
    const after = await execute<{ order: GraphQLOrder }>(ORDER, { id: order.id });
    expect(after.data?.order).toMatchObject({ status: 'COMPLETED', cancelledAt: null });
  });

  it('fails with NOT_FOUND when no order has the id', async () => {
    // Act
    const { data, errors } = await cancel('ord_cccccccccccccccccccccccccccccccc');

    // Assess
    expect(data).toBeNull();
    expect(errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(unexpected).toEqual([]);
  });
});

describe('Query.orders', () => {
  it('returns only the orders of the requested status when filtered by each status', async () => {
    // Prepare
    const customer = 'gql-statuses';
    const byStatus = new Map<OrderStatus, string>();
    for (const status of ORDER_STATUSES) byStatus.set(status, (await place(customer)).id);
    const id = (status: OrderStatus) => byStatus.get(status) ?? '';
    const at = new Date().toISOString();
    await system.deps.store.transition({
      id: id('PROCESSING'),
      from: ['RECEIVED'],
      to: 'PROCESSING',
      at,
    });
    await processOrder(processorDeps(), id('COMPLETED'));
    await cancel(id('CANCELLED'));
    const rejecting = {
      process: async (o: { id: string }) =>
        Promise.reject(new OrderRejectedError(o.id, 'Out of stock.')),
    };
    await processOrder({ ...processorDeps(), fulfilment: rejecting }, id('FAILED'));

    // Act
    const results = await Promise.all(
      ORDER_STATUSES.map(async (status) => {
        const { data } = await execute<{
          orders: { edges: { node: { id: string; status: OrderStatus } }[] };
        }>(ORDERS, { customerId: customer, status });
        return [status, data?.orders.edges.map((e) => e.node)] as const;
      }),
    );
    const all = await execute<{ orders: { edges: unknown[] } }>(ORDERS, { customerId: customer });

    // Assess
    for (const [status, nodes] of results) {
      expect(nodes, status).toEqual([{ id: id(status), status }]);
    }
    expect(all.data?.orders.edges).toHaveLength(ORDER_STATUSES.length);
  });
});

describe('order lifecycle end to end', () => {
  it('shows the order COMPLETED with processedAt when the consumer polls the queue after placeOrder', async () => {
    // Prepare
    const { logger, lines } = recordingLogger();
    const poller = await startQueuePoller({
      sqs: system.clients.sqs,
      queueUrl: system.resources.queueUrl,
      deadLetterQueueUrl: system.resources.deadLetterQueueUrl,
      handler: createConsumerHandler({ deps: processorDeps(), logger }),
      waitTimeSeconds: 1,
    });

    try {
      // Act
      const placed = await place('gql-end-to-end');
      const seen = await eventually(
        async () => (await execute<{ order: GraphQLOrder }>(ORDER, { id: placed.id })).data?.order,
        (order) => order?.status === 'COMPLETED',
      );

      // Assess
      expect(placed.status).toBe('RECEIVED');
      expect(seen).toMatchObject({
        status: 'COMPLETED',
        processedAt: expect.any(String),
        cancelledAt: null,
      });
      expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    } finally {
      await poller.stop();
    }
  });
});
