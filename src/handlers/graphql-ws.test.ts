import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { sqsRecord } from '../consumer/test-fixtures.js';
import { toOrderMessage } from '../domain/order-message.js';
import { ensureSubscriptionTable } from '../local/subscription-resources.js';
import { connectEvent, disconnectEvent, messageEvent } from '../local/websocket-events.js';
import { type LocalWebSocketGateway, startWebSocketGateway } from '../local/websocket-gateway.js';
import { httpApiEvent, testLambdaContext } from '../testing/api-gateway-events.js';
import { orderInput, PLACE_ORDER } from '../testing/graphql-client.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { subscribe } from '../testing/realtime.js';

let sys: TestOrderSystem;
let tableName: string;
let gateway: LocalWebSocketGateway;
let server: Server;
let wsUrl: string;
let lambdas: {
  ws: typeof import('./graphql-ws.js');
  api: typeof import('./graphql.js');
  processor: typeof import('./process-orders.js');
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
  for (const [name, value] of Object.entries({
    ...sys.env,
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
  vi.unstubAllEnvs();
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
