import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import type { FormattedExecutionResult } from 'graphql';
import { type Client, createClient, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { withPublishing } from '../adapters/aws/realtime-dependencies.js';
import type { AuthConfig } from '../config.js';
import { createConsumerHandler } from '../consumer/create-consumer-handler.js';
import { recordingLogger, sqsRecord } from '../consumer/test-fixtures.js';
import { toOrderMessage } from '../domain/order-message.js';
import { recordCompletionOnly } from '../domain/order-processing.js';
import { createAuthenticator } from '../graphql/authentication.js';
import { createHttpApiHandler } from '../graphql/lambda-handler.js';
import { createHttpGateway } from '../local/http-gateway.js';
import { type LocalRealtime, startLocalRealtime } from '../local/realtime.js';
import { publishingOrderProcessor } from '../realtime/publishing-order-processor.js';
import type { RealtimeLimits } from '../realtime/websocket-handler.js';
import type { OrderDependencies } from '../use-cases/dependencies.js';
import type { TestOrderSystem } from './order-system.js';

export interface TestRealtime {
  readonly realtime: LocalRealtime;
  /** The order system's ports as the API has them, publishing the changes it makes. */
  readonly deps: OrderDependencies;
  /**
   * Hands the order's queue message to the order processor as `npm start` runs it (publishing
   * what it reads and makes), as delivered for the `receiveCount`-th time.
   */
  consume(orderId: string, receiveCount?: number): Promise<SQSBatchResponse>;
  readonly httpUrl: string;
  readonly wsUrl: string;
  readonly tableName: string;
  /** Changes that were stored but not published. */
  readonly publishFailures: unknown[];
  readonly logged: unknown[];
  /** A graphql-ws client that never retries, with `authorization` in `connection_init` when given. */
  client(authorization?: string): Client;
  /** Resolves after the handler has handled the next event of this route (and connection). */
  handled(routeKey: string, connectionId?: string): Promise<string>;
  /** Resolves once the handler has handled `count` events of this route on this connection in all. */
  handledCount(routeKey: string, connectionId: string, count: number): Promise<void>;
  /** Every item of the subscription table. */
  items(): Promise<Record<string, unknown>[]>;
  /** Items of one connection. */
  connectionItems(connectionId: string): Promise<Record<string, unknown>[]>;
  /** GraphQL over HTTP through the local gateway. */
  post<T>(
    query: string,
    variables?: Record<string, unknown>,
    authorization?: string,
  ): Promise<ExecutionResult<T>>;
  stop(): Promise<void>;
}

/**
 * The local runtime's HTTP and WebSocket gateways over a fresh subscription table, on a free port:
 * the same handlers `npm start` serves, against the emulators.
 */
export async function startTestRealtime(
  sys: TestOrderSystem,
  auth: AuthConfig = { mode: 'off' },
  limits?: Partial<RealtimeLimits>,
): Promise<TestRealtime> {
  const tableName = `subscriptions-${randomUUID().slice(0, 8)}`;
  const logged: unknown[] = [];
  const logger = { error: (_: string, details: unknown) => logged.push(details) };
  const realtime = await startLocalRealtime({
    clients: sys.clients,
    region: 'us-east-1',
    tableName,
    auth,
    logger,
    ...(limits && { limits }),
  });
  const publishFailures: unknown[] = [];
  const deps = withPublishing(sys.deps, realtime.publish, (_, error) =>
    publishFailures.push(error),
  );
  const consumer = createConsumerHandler({
    deps: { store: sys.deps.store, clock: sys.deps.clock, fulfilment: recordCompletionOnly },
    process: publishingOrderProcessor({
      session: realtime.session,
      onFailure: (_, error) => publishFailures.push(error),
    }),
    logger: recordingLogger().logger,
  });
  const server = createHttpGateway(
    createHttpApiHandler({ deps, authenticate: createAuthenticator(auth), logger }),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  realtime.serve(server, deps.store);
  const { port } = server.address() as AddressInfo;
  const httpUrl = `http://127.0.0.1:${port}/graphql`;
  const wsUrl = `ws://127.0.0.1:${port}/graphql`;
  const clients: Client[] = [];
  const seen: { routeKey: string; connectionId: string }[] = [];
  realtime.websocket.events.on('handled', (event) => seen.push(event));
  const countOf = (routeKey: string, connectionId: string) =>
    seen.filter((e) => e.routeKey === routeKey && e.connectionId === connectionId).length;
  const scan = async (connectionId?: string) => {
    const { Items = [] } = await sys.clients.dynamo.send(
      connectionId
        ? new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'connectionId = :c',
            ExpressionAttributeValues: { ':c': connectionId },
          })
        : new ScanCommand({ TableName: tableName }),
    );
    return Items;
  };
  return {
    realtime,
    deps,
    httpUrl,
    wsUrl,
    tableName,
    publishFailures,
    logged,
    async consume(orderId, receiveCount = 1) {
      const order = (await sys.deps.store.get(orderId)) ?? fail(`Order ${orderId} is not stored`);
      const body = JSON.stringify(toOrderMessage(order));
      return consumer({ Records: [sqsRecord(body, order.customerId, receiveCount)] });
    },
    client(authorization) {
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: true,
        ...(authorization && { connectionParams: { authorization } }),
      });
      clients.push(client);
      return client;
    },
    handled: (routeKey, connectionId) =>
      new Promise((resolve) => {
        const listener = (event: { routeKey: string; connectionId: string }) => {
          if (event.routeKey !== routeKey) return;
          if (connectionId !== undefined && event.connectionId !== connectionId) return;
          realtime.websocket.events.off('handled', listener);
          resolve(event.connectionId);
        };
        realtime.websocket.events.on('handled', listener);
      }),
    handledCount: (routeKey, connectionId, count) =>
      new Promise((resolve) => {
        const check = () => {
          if (countOf(routeKey, connectionId) < count) return;
          realtime.websocket.events.off('handled', check);
          resolve();
        };
        realtime.websocket.events.on('handled', check);
        check();
      }),
    items: () => scan(),
    connectionItems: (connectionId) => scan(connectionId),
    async post(query, variables, authorization) {
      const response = await fetch(httpUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(authorization && { authorization }),
        },
        body: JSON.stringify({ query, ...(variables && { variables }) }),
      });
      return (await response.json()) as ExecutionResult<never>;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.dispose()));
      await realtime.stop();
      server.closeAllConnections();
      server.close();
    },
  };
}

function fail(message: string): never {
  throw new Error(message);
}

/** Collects a subscription's events until the server completes it (or it errors). */
export async function collect<T>(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): Promise<FormattedExecutionResult<T, unknown>[]> {
  const events: FormattedExecutionResult<T, unknown>[] = [];
  for await (const event of client.iterate<T>({ query, ...(variables && { variables }) })) {
    events.push(event);
  }
  return events;
}

/** A subscription whose events a test awaits one by one. */
export interface EventStream<T> {
  /** The next event not yet taken. */
  next(): Promise<FormattedExecutionResult<T, unknown>>;
  /** Resolves when the server completes the subscription; rejects on an error or close. */
  readonly done: Promise<void>;
  /** Events received and not yet taken. */
  readonly buffered: number;
  unsubscribe(): void;
}

export function subscribe<T>(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): EventStream<T> {
  const buffer: FormattedExecutionResult<T, unknown>[] = [];
  const waiting: ((event: FormattedExecutionResult<T, unknown>) => void)[] = [];
  let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // A test that never awaits `done` must not fail on its rejection.
  done.catch(() => undefined);
  const unsubscribe = client.subscribe<T>(
    { query, ...(variables && { variables }) },
    {
      next: (event) => {
        const taker = waiting.shift();
        if (taker) taker(event);
        else buffer.push(event);
      },
      error: (error) => settle?.reject(error),
      complete: () => settle?.resolve(),
    },
  );
  return {
    next: () => {
      const event = buffer.shift();
      if (event) return Promise.resolve(event);
      return Promise.race([
        new Promise<FormattedExecutionResult<T, unknown>>((resolve) => waiting.push(resolve)),
        done.then(() => {
          throw new Error('The subscription completed before the next event');
        }),
      ]);
    },
    done,
    get buffered() {
      return buffer.length;
    },
    unsubscribe,
  };
}
