import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2, SQSBatchResponse } from 'aws-lambda';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { sqsRecord } from '../consumer/test-fixtures.js';
import type { Order } from '../domain/order.js';
import { toOrderMessage } from '../domain/order-message.js';
import { ensureSubscriptionTable } from '../local/subscription-resources.js';
import { connectEvent, disconnectEvent, messageEvent } from '../local/websocket-events.js';
import { type LocalWebSocketGateway, startWebSocketGateway } from '../local/websocket-gateway.js';
import { httpApiEvent, testLambdaContext } from '../testing/api-gateway-events.js';
import { type FaultProxy, startFaultProxy } from '../testing/fault-proxy.js';
import { orderInput, PLACE_ORDER } from '../testing/graphql-client.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { anOrder } from '../testing/orders.js';
import { subscribe } from '../testing/realtime.js';

let sys: TestOrderSystem;
/** Between every handler and DynamoDB: counts their requests and injects faults. */
let dynamodb: FaultProxy;
let tableName: string;
let gateway: LocalWebSocketGateway;
let server: Server;
let wsUrl: string;
let lambdas: {
  ws: typeof import('./graphql-ws.js');
  api: typeof import('./graphql.js');
  processor: typeof import('./process-orders.js');
  reconciler: typeof import('./reconcile-subscriptions.js');
};

const noCallback = () => undefined;

beforeAll(async () => {
  sys = await createTestOrderSystem();
  tableName = await ensureSubscriptionTable(
    sys.clients,
    `subscriptions-${randomUUID().slice(0, 8)}`,
  );
  let invoke: ((event: Parameters<typeof lambdas.ws.handler>[0]) => Promise<never>) | undefined;
  gateway = await startWebSocketGateway(async (event) => {
    if (!invoke) throw new Error('The handler is not loaded yet');
    return invoke(event);
  });
  dynamodb = await startFaultProxy('dynamodb', process.env.AWS_ENDPOINT_URL_DYNAMODB ?? '');
  for (const [name, value] of Object.entries({
    ...sys.env,
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    SUBSCRIPTIONS_TABLE_NAME: tableName,
    WEBSOCKET_CALLBACK_URL: gateway.callbackUrl,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  }))
    vi.stubEnv(name, value);
  lambdas = {
    ws: await import('./graphql-ws.js'),
    api: await import('./graphql.js'),
    processor: await import('./process-orders.js'),
    reconciler: await import('./reconcile-subscriptions.js'),
  };
  invoke = (event) => lambdas.ws.handler(event, testLambdaContext(), noCallback) as Promise<never>;
  server = createServer();
  gateway.attach(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  wsUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  await gateway.close();
  server.close();
  await dynamodb.stop();
  vi.unstubAllEnvs();
});

/** Resolves once the gateway has handled `count` more `$default` messages. */
const messagesHandled = (count: number) =>
  new Promise<void>((resolve) => {
    let seen = 0;
    const listener = (event: { routeKey: string }) => {
      if (event.routeKey !== '$default' || ++seen < count) return;
      gateway.events.off('handled', listener);
      resolve();
    };
    gateway.events.on('handled', listener);
  });

const ORDERS_UPDATED = 'subscription ($c: ID!) { ordersUpdated(customerId: $c) { id status } }';

/** A graphql-ws client subscribed to a customer's orders, once the subscription is stored. */
async function watchCustomer(customerId: string) {
  const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
  const stored = messagesHandled(2);
  const stream = subscribe<{ ordersUpdated: { id: string; status: string } }>(
    client,
    ORDERS_UPDATED,
    { c: customerId },
  );
  await stored;
  return { client, stream };
}

async function callApi<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const result = (await lambdas.api.handler(
    httpApiEvent({ body: JSON.stringify({ query, variables }) }),
    testLambdaContext(),
    noCallback,
  )) as APIGatewayProxyStructuredResultV2;
  const { data, errors } = JSON.parse(result.body ?? '{}');
  expect(errors).toBeUndefined();
  return data as T;
}

const queueRecord = (order: Order, receiveCount = 1) =>
  sqsRecord(JSON.stringify(toOrderMessage(order)), order.customerId, receiveCount);

const consume = async (...records: ReturnType<typeof sqsRecord>[]) =>
  (await lambdas.processor.handler(
    { Records: records },
    testLambdaContext(),
    noCallback,
  )) as SQSBatchResponse;

/** A context whose invocation has only its reserve left: no call may start. */
const outOfTime = (reserveMs: number) => ({
  ...testLambdaContext(),
  getRemainingTimeInMillis: () => reserveMs,
});

const scan = async () =>
  (await sys.clients.dynamo.send(new ScanCommand({ TableName: tableName }))).Items ?? [];

describe('WebSocket Lambda handler with the API and order processor Lambdas', () => {
  it('streams an order placed over HTTP through to COMPLETED by the queue consumer, then forgets the connection', async () => {
    // Prepare
    const placed = (await lambdas.api.handler(
      httpApiEvent({
        body: JSON.stringify({ query: PLACE_ORDER, variables: { input: orderInput() } }),
      }),
      testLambdaContext(),
      noCallback,
    )) as APIGatewayProxyStructuredResultV2;
    const { order } = JSON.parse(placed.body ?? '{}').data.placeOrder;
    const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const stream = subscribe<{ orderUpdated: { status: string } }>(
      client,
      'subscription ($id: ID!) { orderUpdated(id: $id) { status } }',
      { id: order.id },
    );
    expect((await stream.next()).data?.orderUpdated.status).toBe('RECEIVED');

    // Act
    const stored = await sys.deps.store.get(order.id);
    const record = sqsRecord(JSON.stringify(toOrderMessage(stored ?? expect.fail())), 'customer-1');
    await lambdas.processor.handler({ Records: [record] }, testLambdaContext(), noCallback);

    // Assess
    expect((await stream.next()).data?.orderUpdated.status).toBe('PROCESSING');
    expect((await stream.next()).data?.orderUpdated.status).toBe('COMPLETED');
    await stream.done;
    const disconnected = new Promise((resolve) =>
      gateway.events.on('handled', (e) => e.routeKey === '$disconnect' && resolve(e)),
    );
    await client.dispose();
    await disconnected;
    expect(await scan()).toEqual([]);
  });

  it('answers $connect with the chosen subprotocol, refuses another with 400, and clears on $disconnect', async () => {
    const base = { connectionId: `c-${randomUUID()}`, connectedAt: Date.now() };
    const invoke = (event: Parameters<typeof lambdas.ws.handler>[0]) =>
      lambdas.ws.handler(event, testLambdaContext(), noCallback);

    expect(
      await invoke(connectEvent({ ...base, headers: { 'Sec-WebSocket-Protocol': 'graphql-ws' } })),
    ).toMatchObject({ statusCode: 400 });
    expect(
      await invoke(
        connectEvent({ ...base, headers: { 'Sec-WebSocket-Protocol': 'graphql-transport-ws' } }),
      ),
    ).toEqual({ statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'graphql-transport-ws' } });
    expect((await scan()).map((i) => i.connectionId)).toContain(base.connectionId);
    // The client is gone before its first message: the answer is a GoneException, swallowed.
    expect(
      await invoke(messageEvent({ ...base, body: '{"type":"connection_init"}', binary: true })),
    ).toEqual({ statusCode: 200 });

    expect(await invoke(disconnectEvent({ ...base, statusCode: 1001 }))).toEqual({
      statusCode: 200,
    });
    expect((await scan()).map((i) => i.connectionId)).not.toContain(base.connectionId);
  });
});

describe('complete and subscribe run concurrently, as API Gateway may run them', () => {
  const ORDER_UPDATED = 'subscription ($id: ID!) { orderUpdated(id: $id) { status } }';

  it('ends a subscription whose complete was handled before its subscribe was stored', async () => {
    // Prepare: an acknowledged connection and an order to watch.
    const placed = await callApi<{ placeOrder: { order: { id: string } } }>(PLACE_ORDER, {
      input: orderInput(),
    });
    const orderId = placed.placeOrder.order.id;
    const connected = new Promise<string>((resolve) =>
      gateway.events.on(
        'handled',
        (e: { routeKey: string; connectionId: string }) =>
          e.routeKey === '$connect' && resolve(e.connectionId),
      ),
    );
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    const received: { type: string; id?: string }[] = [];
    socket.on('message', (data) => received.push(JSON.parse(String(data))));
    await once(socket, 'open');
    const connectionId = await connected;
    socket.send(JSON.stringify({ type: 'connection_init' }));
    while (!received.some((m) => m.type === 'connection_ack')) await once(socket, 'message');
    const base = { connectionId, connectedAt: Date.now() };
    const direct = (body: unknown) =>
      lambdas.ws.handler(
        messageEvent({ ...base, body: JSON.stringify(body) }),
        testLambdaContext(),
        noCallback,
      );

    // Act: the complete's invocation runs first, the subscribe's after it.
    await direct({ type: 'complete', id: 'raced' });
    await direct({
      type: 'subscribe',
      id: 'raced',
      payload: { query: ORDER_UPDATED, variables: { id: orderId } },
    });
    await direct({
      type: 'subscribe',
      id: 'kept',
      payload: { query: ORDER_UPDATED, variables: { id: orderId } },
    });
    while (!received.some((m) => m.id === 'kept')) await once(socket, 'message');

    // Assess: nothing was sent to or kept for the completed subscription; the other one stands.
    expect(received.filter((m) => m.id === 'raced')).toEqual([]);
    const items = (await scan()).filter((i) => i.connectionId === connectionId);
    expect(items.map((i) => i.sk).sort()).toEqual(['connection', 'sub#kept']);

    // A complete of a stored subscription removes it and leaves no mark.
    await direct({ type: 'complete', id: 'kept' });
    expect((await scan()).filter((i) => i.connectionId === connectionId).map((i) => i.sk)).toEqual([
      'connection',
    ]);
    socket.close();
  });
});

describe('publishing from the order processor', () => {
  it('makes no subscription-table request on placeOrder; the processor sends RECEIVED, PROCESSING, COMPLETED to a subscriber that came first', async () => {
    // Prepare
    const customerId = `c-${randomUUID()}`;
    const { client, stream } = await watchCustomer(customerId);
    const from = dynamodb.requests.length;

    // Act
    const { placeOrder } = await callApi<{ placeOrder: { order: { id: string } } }>(PLACE_ORDER, {
      input: orderInput({ customerId }),
    });
    const during = dynamodb.requests.slice(from);
    const { id } = placeOrder.order;
    const order = (await sys.deps.store.get(id)) ?? expect.fail('stored');
    const processingFrom = dynamodb.requests.length;
    await consume(queueRecord(order));
    const processing = dynamodb.requests.slice(processingFrom);

    // Assess
    expect(during).toContainEqual({ action: 'PutItem', table: sys.env.ORDERS_TABLE_NAME });
    expect(during.filter((r) => r.table === tableName)).toEqual([]);
    // One lookup for the three events: the order's, its customer's and all orders' topics.
    expect(processing.filter((r) => r.index === 'byTopic')).toHaveLength(3);
    const events = [await stream.next(), await stream.next(), await stream.next()];
    expect(events.map((e) => e.data?.ordersUpdated)).toEqual(
      ['RECEIVED', 'PROCESSING', 'COMPLETED'].map((status) => ({ id, status })),
    );
    await client.dispose();
  });

  it('fails the record when the subscribers cannot be looked up, and publishes the finished order on its redelivery', async () => {
    // Prepare
    const customerId = `c-${randomUUID()}`;
    const { client, stream } = await watchCustomer(customerId);
    const { placeOrder } = await callApi<{ placeOrder: { order: { id: string } } }>(PLACE_ORDER, {
      input: orderInput({ customerId }),
    });
    const { id } = placeOrder.order;
    const order = (await sys.deps.store.get(id)) ?? expect.fail('stored');
    const watcher = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const single = subscribe<{ orderUpdated: { status: string } }>(
      watcher,
      'subscription ($id: ID!) { orderUpdated(id: $id) { status } }',
      { id },
    );
    expect((await single.next()).data?.orderUpdated.status).toBe('RECEIVED');
    const record = queueRecord(order);

    // Act
    dynamodb.fail('Query', 'server-error', 1_000);
    const first = await consume(record).finally(() => dynamodb.calm());
    const redelivered = await consume({
      ...record,
      attributes: { ...record.attributes, ApproximateReceiveCount: '2' },
    });

    // Assess
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    expect(redelivered).toEqual({ batchItemFailures: [] });
    expect((await sys.deps.store.get(id))?.status).toBe('COMPLETED');
    // Nothing reached the list subscriber before the redelivery: its first event is the last state.
    expect((await stream.next()).data?.ordersUpdated).toEqual({ id, status: 'COMPLETED' });
    expect((await single.next()).data?.orderUpdated.status).toBe('COMPLETED');
    await single.done;
    await Promise.all([client.dispose(), watcher.dispose()]);
  });

  it('lets a record go from its fourth receive on when its subscribers still cannot be looked up', async () => {
    // Prepare
    const { placeOrder } = await callApi<{ placeOrder: { order: { id: string } } }>(PLACE_ORDER, {
      input: orderInput({ customerId: `c-${randomUUID()}` }),
    });
    const order = (await sys.deps.store.get(placeOrder.order.id)) ?? expect.fail('stored');

    // Act
    dynamodb.fail('Query', 'server-error', 1_000);
    const response = await consume(queueRecord(order, 4)).finally(() => dynamodb.calm());

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect((await sys.deps.store.get(order.id))?.status).toBe('COMPLETED');
  });

  it('queues a cancelled order again when its subscribers could not be looked up, and the processor announces it', async () => {
    // Prepare: an order whose queue message was never sent (its dispatch failed).
    const customerId = `c-${randomUUID()}`;
    const order = anOrder({ customerId });
    await sys.deps.store.create(order);
    const { client, stream } = await watchCustomer(customerId);
    await sys.drain(sys.resources.queueUrl);

    // Act
    dynamodb.fail('Query', 'server-error', 1_000);
    const cancelled = await callApi<{ cancelOrder: { status: string } }>(
      'mutation ($id: ID!) { cancelOrder(id: $id) { status } }',
      { id: order.id },
    ).finally(() => dynamodb.calm());
    const queued = await sys.drain(sys.resources.queueUrl);
    const response = await consume(
      ...queued.map((m) => sqsRecord(m.Body ?? '', m.Attributes?.MessageGroupId ?? customerId)),
    );

    // Assess
    expect(cancelled.cancelOrder.status).toBe('CANCELLED');
    expect(queued.map((m) => JSON.parse(m.Body ?? '{}').order.id)).toEqual([order.id]);
    expect(response).toEqual({ batchItemFailures: [] });
    expect((await stream.next()).data?.ordersUpdated).toEqual({
      id: order.id,
      status: 'CANCELLED',
    });
    await client.dispose();
  });
});

describe('invocation budgets', () => {
  it('answers $connect with 500 and makes no call once the invocation has only its reserve left', async () => {
    const from = dynamodb.requests.length;

    const result = await lambdas.ws.handler(
      connectEvent({
        connectionId: `c-${randomUUID()}`,
        connectedAt: Date.now(),
        headers: { 'Sec-WebSocket-Protocol': 'graphql-transport-ws' },
      }),
      outOfTime(lambdas.ws.WEBSOCKET_CALL_BUDGET.reserveMs),
      noCallback,
    );

    expect(result).toMatchObject({ statusCode: 500 });
    expect(dynamodb.requests.slice(from)).toEqual([]);
  });

  it('answers a complete whose DynamoDB calls stall before the invocation ends, and a later complete ends the subscription', async () => {
    const base = { connectionId: `c-${randomUUID()}`, connectedAt: Date.now() };
    const complete = (context: ReturnType<typeof testLambdaContext>) =>
      lambdas.ws.handler(
        messageEvent({ ...base, body: JSON.stringify({ type: 'complete', id: 'stalled' }) }),
        context,
        noCallback,
      );
    await sys.clients.dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: { connectionId: base.connectionId, sk: 'sub#stalled', id: 'stalled' },
      }),
    );
    const from = dynamodb.log.length;
    // 1.5 s of call budget: every attempt stalls, the SDK's own timeouts and the budget cut them.
    dynamodb.fail('DeleteItem', 'stall', 10);

    // The handler gives up, closes the connection (the client reconnects) and answers.
    const stalled = await Promise.resolve(
      complete(outOfTime(lambdas.ws.WEBSOCKET_CALL_BUDGET.reserveMs + 1_500)),
    ).finally(() => dynamodb.calm());

    expect(stalled).toEqual({ statusCode: 200 });
    expect(dynamodb.log.slice(from)).toContainEqual(
      expect.objectContaining({ action: 'DeleteItem', fault: 'stall' }),
    );
    await complete(testLambdaContext());
    expect((await scan()).filter((i) => i.connectionId === base.connectionId)).toEqual([]);
  });

  it('stops a reconciliation without a call once the invocation has only its reserve left', async () => {
    const from = dynamodb.requests.length;

    await expect(
      lambdas.reconciler.handler(
        {} as never,
        outOfTime(lambdas.reconciler.RECONCILER_CALL_BUDGET.reserveMs),
        noCallback,
      ),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(dynamodb.requests.slice(from)).toEqual([]);
  });
});
