import { randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GRAPHQL_TRANSPORT_WS_PROTOCOL } from 'graphql-ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { CLOSE_HEADERS } from '../adapters/aws/apigateway-connection-gateway.js';
import type { WebSocketEvent, WebSocketResult } from '../realtime/websocket-handler.js';
import { connectEvent, disconnectEvent, messageEvent } from './websocket-events.js';

/** The WebSocket Lambda as the gateway calls it. */
export type WebSocketLambda = (event: WebSocketEvent) => Promise<WebSocketResult>;

export interface LocalWebSocketGateway {
  /** Base URL of the local management API, as `WEBSOCKET_CALLBACK_URL` in AWS. */
  readonly callbackUrl: string;
  /** Serves WebSocket handshakes on `path` of this HTTP server. */
  attach(server: Server): void;
  /** Emits `handled` ({ connectionId, routeKey }) after each invocation of the handler. */
  readonly events: EventEmitter;
  /** Open connections. */
  readonly size: number;
  /** Closes every socket (1001), runs their `$disconnect` and stops the management API. */
  close(): Promise<void>;
}

export interface LocalWebSocketGatewayOptions {
  /** @default '/graphql' */
  readonly path?: string;
  /** @default 'live' */
  readonly stage?: string;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized' };

function refuseHandshake(socket: Duplex, status: number) {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Forbidden'}\r\nConnection: close\r\n\r\n`,
  );
}

const headersOf = (req: IncomingMessage) =>
  Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
  );

/**
 * A local stand-in for an API Gateway WebSocket API, attached to the HTTP endpoint's server:
 * each handshake becomes a `$connect` event, each message a `$default` event and each close a
 * `$disconnect` event for the handler; and a local management API (`@connections`) lets the
 * handler's SDK client post to and close connections, answering 410 GoneException for a closed
 * one. Messages of one connection are handed to the handler one at a time, in order.
 */
export async function startWebSocketGateway(
  handler: WebSocketLambda,
  options: LocalWebSocketGatewayOptions = {},
): Promise<LocalWebSocketGateway> {
  const path = options.path ?? '/graphql';
  const stage = options.stage ?? 'live';
  const sockets = new Map<
    string,
    { socket: WebSocket; connectedAt: number; queue: Promise<void> }
  >();
  const events = new EventEmitter();
  const pending = new Set<Promise<void>>();
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) =>
      protocols.has(GRAPHQL_TRANSPORT_WS_PROTOCOL) ? GRAPHQL_TRANSPORT_WS_PROTOCOL : false,
  });

  const invoke = async (event: WebSocketEvent) => {
    const result = await handler(event);
    events.emit('handled', {
      connectionId: event.requestContext.connectionId,
      routeKey: event.requestContext.routeKey,
    });
    return result;
  };
  /** Runs one connection's invocations one after another; `close` waits for all of them. */
  const enqueue = (entry: { queue: Promise<void> }, event: WebSocketEvent) => {
    const next = entry.queue
      .then(() => invoke(event))
      .then(
        () => undefined,
        (error: unknown) => console.error('Local WebSocket gateway: the handler failed', error),
      );
    entry.queue = next;
    pending.add(next);
    void next.finally(() => pending.delete(next));
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) {
      socket.destroy();
      return;
    }
    const connectionId = randomBytes(12).toString('base64');
    const connectedAt = Date.now();
    const base = { connectionId, connectedAt, stage };
    void (async () => {
      const result = await invoke(
        connectEvent({
          ...base,
          headers: headersOf(req),
          ...(url.search && { query: Object.fromEntries(url.searchParams) }),
        }),
      );
      if (result.statusCode !== 200) {
        refuseHandshake(socket, result.statusCode);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const entry = { socket: ws, connectedAt, queue: Promise.resolve() };
        sockets.set(connectionId, entry);
        ws.on('message', (data, binary) => {
          const body = Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
          enqueue(entry, messageEvent({ ...base, body, binary }));
        });
        ws.on('close', (code, reason) => {
          sockets.delete(connectionId);
          enqueue(entry, disconnectEvent({ ...base, statusCode: code, reason: reason.toString() }));
        });
      });
    })().catch((error: unknown) => {
      console.error('Local WebSocket gateway failed on a handshake', error);
      socket.destroy();
    });
  };
  const servers: Server[] = [];

  const management = createServer((req, res) => {
    const match = req.url?.match(/^\/[^/]+\/@connections\/([^/?]+)/);
    const entry = match ? sockets.get(decodeURIComponent(match[1] ?? '')) : undefined;
    if (!entry) {
      res
        .writeHead(match ? 410 : 404, {
          'content-type': 'application/json',
          'x-amzn-errortype': match ? 'GoneException' : 'NotFoundException',
        })
        .end('{"message":null}');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'POST') {
        entry.socket.send(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200).end();
      } else if (req.method === 'DELETE') {
        const code = Number(req.headers[CLOSE_HEADERS.code] ?? 1000);
        const reason = decodeURIComponent(String(req.headers[CLOSE_HEADERS.reason] ?? ''));
        entry.socket.close(code, reason);
        res.writeHead(204).end();
      } else {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ connectedAt: new Date(entry.connectedAt).toISOString() }));
      }
    });
  });
  management.listen(0, '127.0.0.1');
  await once(management, 'listening');
  const address = management.address();
  if (address === null || typeof address === 'string')
    throw new Error('The management API has no TCP address');

  return {
    callbackUrl: `http://127.0.0.1:${address.port}/${stage}`,
    events,
    attach(server) {
      server.on('upgrade', onUpgrade);
      servers.push(server);
    },
    get size() {
      return sockets.size;
    },
    async close() {
      for (const server of servers) server.off('upgrade', onUpgrade);
      const closing = [...sockets.values()].map(({ socket }) => {
        const closed = once(socket, 'close');
        socket.close(1001, 'Server shutting down');
        return closed;
      });
      await Promise.all(closing);
      await Promise.all([...pending]);
      wss.close();
      management.closeAllConnections();
      management.close();
    },
  };
}
