import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FaultSwitch, injectFaults, serviceError } from '../testing/fault-injection.js';
import {
  createGraphQLTestClient,
  type GraphQLTestClient,
  orderInput,
  PLACE_ORDER,
  type PlacedOrderData,
} from '../testing/graphql-client.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { sweepOrders } from '../use-cases/sweep-orders.js';

let sys: TestOrderSystem;
let api: GraphQLTestClient;
let sqsFaults: FaultSwitch;
let snsFaults: FaultSwitch;
let dynamoFaults: FaultSwitch;

beforeAll(async () => {
  sys = await createTestOrderSystem();
  api = createGraphQLTestClient(sys.deps);
  sqsFaults = injectFaults(sys.clients.sqs);
  snsFaults = injectFaults(sys.clients.sns);
  dynamoFaults = injectFaults(sys.clients.dynamo);
});

beforeEach(async () => {
  await sys.drain(sys.resources.queueUrl);
  await sys.drain(sys.resources.alertQueueUrl);
});

const input = () => orderInput({ customerId: `c-${randomUUID()}`, idempotencyKey: randomUUID() });

describe('placeOrder when a side effect fails', () => {
  it.each([
    [
      'the queue',
      () =>
        sqsFaults.fail('SendMessageCommand', {
          kind: 'before',
          error: serviceError('InternalError', 500, 'server'),
        }),
    ],
    [
      'the topic',
      () =>
        snsFaults.fail('PublishCommand', {
          kind: 'before',
          error: serviceError('ThrottlingException', 400, 'client'),
        }),
    ],
  ])(
    'answers a retryable SERVICE_UNAVAILABLE and a retry completes it once when %s fails',
    async (_, breakIt) => {
      // Prepare
      const request = input();
      breakIt();

      // Act
      const failed = await api.execute(PLACE_ORDER, { input: request });
      const retried = await api.execute<PlacedOrderData>(PLACE_ORDER, { input: request });

      // Assess
      expect(failed.data).toBeNull();
      expect(failed.errors?.[0]?.extensions).toEqual({
        code: 'SERVICE_UNAVAILABLE',
        retryable: true,
      });
      expect(failed.errors?.[0]?.message).not.toMatch(/injected|Exception|InternalError/);
      expect(retried.errors).toBeUndefined();
      const orders = (await sys.scanOrders()).filter((o) => o.customerId === request.customerId);
      expect(orders).toHaveLength(1);
      expect(orders[0]).toMatchObject({ queued: true, alerted: true });
      expect(await sys.drain(sys.resources.queueUrl)).toHaveLength(1);
      expect(await sys.drain(sys.resources.alertQueueUrl)).toHaveLength(1);
    },
  );

  it('keeps the order pending dispatch until a retry completes it', async () => {
    const request = input();
    sqsFaults.fail('SendMessageCommand', {
      kind: 'before',
      error: serviceError('InternalError', 500, 'server'),
    });

    await api.execute(PLACE_ORDER, { input: request });
    const pending = (await sys.scanOrders()).find((o) => o.customerId === request.customerId);

    expect(pending).toMatchObject({
      queued: false,
      alerted: true,
      dispatchPending: expect.stringMatching(/^PENDING#\d+$/),
    });
  });

  it('sends one queue message when the send succeeded but its response was lost', async () => {
    const request = input();
    const lost = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    sqsFaults.fail('SendMessageCommand', { kind: 'after', error: lost });

    const failed = await api.execute(PLACE_ORDER, { input: request });
    const retried = await api.execute(PLACE_ORDER, { input: request });

    expect(failed.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(retried.errors).toBeUndefined();
    expect(await sys.drain(sys.resources.queueUrl)).toHaveLength(1);
    expect(await sys.drain(sys.resources.alertQueueUrl)).toHaveLength(1);
  });

  it('masks a non-transient storage failure as INTERNAL_SERVER_ERROR, logs it and sends nothing', async () => {
    const request = input();
    dynamoFaults.fail('PutItemCommand', {
      kind: 'before',
      error: serviceError('AccessDeniedException', 403, 'client'),
    });

    const failed = await api.execute(PLACE_ORDER, { input: request });

    expect(failed.errors?.[0]).toMatchObject({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(JSON.stringify(failed)).not.toMatch(/AccessDenied|injected|stack/i);
    expect(api.logged).toHaveLength(1);
    expect(
      (await sys.scanOrders()).filter((o) => o.customerId === request.customerId),
    ).toHaveLength(0);
    expect(await sys.drain(sys.resources.queueUrl)).toHaveLength(0);
  });

  it('accepts an order sent without a key when a side effect fails, and the sweeper completes it', async () => {
    const request = orderInput({ customerId: `c-${randomUUID()}` });
    sqsFaults.fail('SendMessageCommand', {
      kind: 'before',
      error: serviceError('InternalError', 500, 'server'),
    });

    const placed = await api.execute<PlacedOrderData>(PLACE_ORDER, { input: request });

    // A retry without a key would be a second order, so this one is accepted as it stands.
    expect(placed.errors).toBeUndefined();
    const id = placed.data?.placeOrder.order.id as string;
    expect(await sys.rawOrder(id)).toMatchObject({
      queued: false,
      alerted: true,
      dispatchPending: expect.stringMatching(/^PENDING#\d+$/),
    });

    const swept = await sweepOrders(sys.deps, { graceMs: 0 });

    expect(swept.failed).toBe(0);
    expect(await sys.rawOrder(id)).toMatchObject({ queued: true, alerted: true });
    const messages = await sys.drain(sys.resources.queueUrl);
    expect(messages.filter((m) => m.Attributes?.MessageDeduplicationId === id)).toHaveLength(1);
  });
});
