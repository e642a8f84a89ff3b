import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { AwsClients } from '../../adapters/aws/clients.js';
import { ensureSubscriptionTable } from '../../local/subscription-resources.js';
import { startWebSocketGateway, type WebSocketLambda } from '../../local/websocket-gateway.js';

/** One client watching one order until its subscription completes. */
export interface Watcher {
  readonly client: Client;
  /** The subscription's remaining events; ends when the server completes it. */
  readonly events: AsyncIterableIterator<unknown>;
}

/** What the watchers used of the WebSocket API: what API Gateway bills. */
export interface WebSocketUse {
  /** Messages received from and sent to clients. */
  readonly messages: number;
  /** Each connection's minutes, every started minute counted. */
  readonly connectionMinutes: number;
}

/**
 * The subscription side for the cost run: the subscription table, the local stand-in for API
 * Gateway's WebSocket API (the WebSocket function is handed to `handleWith`), and graphql-ws
 * clients that each watch one order, counting the messages and connection time API Gateway bills.
 */
export async function startWatching(clients: AwsClients) {
  const tableName = await ensureSubscriptionTable(clients, 'cost-subscriptions');
  let handler: WebSocketLambda | undefined;
  const gateway = await startWebSocketGateway(async (event) => {
    if (!handler) throw new Error('No WebSocket function yet');
    return handler(event);
  });
  const server = createServer();
  gateway.attach(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;

  let inbound = 0;
  let outbound = 0;
  let disconnects = 0;
  /** `disconnects` when `finish` last returned. */
  let disconnects0 = 0;
  const lifetimesMs: number[] = [];
  gateway.events.on('handled', (e: { routeKey: string }) => {
    if (e.routeKey === '$default') inbound += 1;
    if (e.routeKey === '$disconnect') disconnects += 1;
  });
  /** Resolves once `count` connections in all have been through `$disconnect`. */
  const disconnected = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (disconnects < count) return;
        gateway.events.off('handled', check);
        resolve();
      };
      gateway.events.on('handled', check);
      check();
    });
  /** A socket that counts what the server sends it and how long it stays open. */
  class CountingSocket extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      const opened = Date.now();
      this.on('message', () => {
        outbound += 1;
      });
      this.on('close', () => lifetimesMs.push(Date.now() - opened));
    }
  }
  return {
    env: { SUBSCRIPTIONS_TABLE_NAME: tableName, WEBSOCKET_CALLBACK_URL: gateway.callbackUrl },
    handleWith(lambda: WebSocketLambda) {
      handler = lambda;
    },
    /** Subscribes to the order and resolves once its current state arrived. */
    async watch(orderId: string): Promise<Watcher> {
      const client = createClient({ url, webSocketImpl: CountingSocket, retryAttempts: 0 });
      const events = client.iterate({
        query: 'subscription W($id: ID!) { orderUpdated(id: $id) { status } }',
        variables: { id: orderId },
      });
      const first = await events.next();
      if (first.done || first.value.errors)
        throw new Error(`Subscription refused: ${JSON.stringify(first.value)}`);
      return { client, events };
    },
    /**
     * Waits for every watcher's subscription to complete (its order reached a final status),
     * closes the clients and returns what they used since the last call.
     */
    async finish(watchers: readonly Watcher[]): Promise<WebSocketUse> {
      await Promise.all(
        watchers.map(async (w) => {
          for await (const _ of w.events);
        }),
      );
      // The clients close on their own once their last subscription completed.
      await Promise.all(watchers.map((w) => w.client.dispose()));
      await disconnected(disconnects0 + watchers.length);
      const use = {
        messages: inbound + outbound,
        connectionMinutes: lifetimesMs.reduce(
          (sum, ms) => sum + Math.max(1, Math.ceil(ms / 60_000)),
          0,
        ),
      };
      inbound = 0;
      outbound = 0;
      lifetimesMs.length = 0;
      disconnects0 = disconnects;
      return use;
    },
    async stop() {
      await gateway.close();
      server.close();
    },
  };
}
