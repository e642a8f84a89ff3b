import type { APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { GraphQLError, type GraphQLSchema, type ValidationRule } from 'graphql';
import {
  CloseCode,
  GRAPHQL_TRANSPORT_WS_PROTOCOL,
  type Message,
  MessageType,
  parseMessage,
  stringifyMessage,
} from 'graphql-ws';
import { OrderError } from '../domain/errors.js';
import { headerOf } from '../graphql/authentication.js';
import { createFormatError, type ErrorLogger } from '../graphql/errors.js';
import type { AuthenticateToken } from '../graphql/token-authentication.js';
import type { OrderDependencies } from '../use-cases/dependencies.js';
import type { Deliver } from './delivery.js';
import type { ConnectionGateway, SubscriptionRegistry } from './ports.js';
import { topicFor, visibleOrder } from './subscription-access.js';
import { type OperationRules, prepareSubscription } from './subscription-operation.js';

/** The limits of one connection and one caller. */
export interface RealtimeLimits {
  /** Active subscriptions one connection may hold. @default 20 */
  readonly subscriptionsPerConnection: number;
  /** Connections one caller may hold at once. @default 10 */
  readonly connectionsPerCaller: number;
  /**
   * Largest client message in bytes (API Gateway's own limits are 32 KB a frame, 128 KB a
   * message); the largest operation the token limit admits is far smaller. @default 16384
   */
  readonly messageBytes: number;
}

export const REALTIME_LIMITS: RealtimeLimits = {
  subscriptionsPerConnection: 20,
  connectionsPerCaller: 10,
  messageBytes: 16 * 1024,
};

/** Close codes beyond graphql-ws's own enumeration. */
export const EXTRA_CLOSE_CODES = {
  /** RFC 6455: a message larger than the server accepts. */
  messageTooBig: 1009,
  /** Too many subscriptions on the connection, or connections of the caller. */
  tooManyRequests: 4429,
} as const;

/** The API Gateway WebSocket event of any route; `$connect` also carries the handshake's headers. */
export type WebSocketEvent = APIGatewayProxyWebsocketEventV2 & {
  readonly headers?: Readonly<Record<string, string | undefined>>;
};

export interface WebSocketResult {
  readonly statusCode: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface WebSocketHandlerOptions {
  readonly deps: Pick<OrderDependencies, 'store'>;
  readonly registry: SubscriptionRegistry;
  readonly gateway: ConnectionGateway;
  readonly deliver: Deliver;
  readonly authenticate: AuthenticateToken;
  readonly schema: GraphQLSchema;
  /** The same operation limits as over HTTP. */
  readonly limitRules: readonly ValidationRule[];
  readonly maxTokens: number;
  readonly answerBytes: OperationRules['answerBytes'];
  readonly maxAnswerBytes: number;
  readonly logger: ErrorLogger;
  /** Whether to remove "Did you mean …?" hints from errors. @default true */
  readonly hideSuggestions?: boolean;
  readonly limits?: Partial<RealtimeLimits>;
}

const OK: WebSocketResult = { statusCode: 200 };

/**
 * The GraphQL over WebSocket protocol (`graphql-transport-ws`) for API Gateway WebSocket APIs, one
 * Lambda invocation per event: `$connect` checks the subprotocol (and a token in the query string
 * when one is given), `$default` carries each protocol message, `$disconnect` forgets the
 * connection. State lives in the {@link SubscriptionRegistry}; replies go through the
 * {@link ConnectionGateway}. A protocol violation closes the connection with the protocol's code.
 */
export function createWebSocketHandler(options: WebSocketHandlerOptions) {
  const limits = { ...REALTIME_LIMITS, ...options.limits };
  const { registry, gateway } = options;
  const formatError = createFormatError(options.logger, {
    hideSuggestions: options.hideSuggestions ?? true,
  });
  const send = (connectionId: string, message: Message) =>
    gateway.send(connectionId, stringifyMessage(message));
  const close = async (connectionId: string, code: number, reason: string) => {
    await gateway.close(connectionId, code, reason);
    await registry.removeConnection(connectionId);
    return OK;
  };
  const sendErrors = (connectionId: string, id: string, errors: readonly unknown[]) =>
    send(connectionId, {
      type: MessageType.Error,
      id,
      payload: errors.map((error) =>
        formatError(
          error instanceof GraphQLError ? error.toJSON() : { message: String(error) },
          error,
        ),
      ),
    });

  async function connect(event: WebSocketEvent): Promise<WebSocketResult> {
    const protocols = (headerOf(event, 'sec-websocket-protocol') ?? '')
      .split(',')
      .map((p) => p.trim());
    if (!protocols.includes(GRAPHQL_TRANSPORT_WS_PROTOCOL)) {
      return { statusCode: 400, body: `Use the ${GRAPHQL_TRANSPORT_WS_PROTOCOL} subprotocol.` };
    }
    const query = event.queryStringParameters ?? {};
    const authorization =
      query.authorization ?? (query.token === undefined ? undefined : `Bearer ${query.token}`);
    let caller: Awaited<ReturnType<AuthenticateToken>> | undefined;
    if (authorization !== undefined) {
      try {
        caller = await options.authenticate(authorization);
      } catch {
        return { statusCode: 401, body: 'Unauthorized' };
      }
    }
    await registry.addConnection({
      connectionId: event.requestContext.connectionId,
      connectedAt: event.requestContext.connectedAt,
      acknowledged: false,
      ...(caller && { caller }),
    });
    return {
      statusCode: 200,
      headers: { 'Sec-WebSocket-Protocol': GRAPHQL_TRANSPORT_WS_PROTOCOL },
    };
  }

  async function initialise(connectionId: string, payload: unknown): Promise<WebSocketResult> {
    const connection = await registry.getConnection(connectionId);
    if (connection === undefined)
      return close(connectionId, CloseCode.Unauthorized, 'Unknown connection');
    if (connection.acknowledged)
      return close(
        connectionId,
        CloseCode.TooManyInitialisationRequests,
        'Too many initialisation requests',
      );
    const authorization = (payload as { authorization?: unknown } | undefined)?.authorization;
    let caller = connection.caller;
    if (typeof authorization === 'string' || caller === undefined) {
      try {
        caller = await options.authenticate(
          typeof authorization === 'string' ? authorization : undefined,
        );
      } catch {
        return close(connectionId, CloseCode.Unauthorized, 'Unauthorized');
      }
    }
    if ((await registry.countConnections(caller)) >= limits.connectionsPerCaller)
      return close(connectionId, EXTRA_CLOSE_CODES.tooManyRequests, 'Too many connections');
    if (!(await registry.acknowledge(connectionId, caller)))
      return close(
        connectionId,
        CloseCode.TooManyInitialisationRequests,
        'Too many initialisation requests',
      );
    await send(connectionId, { type: MessageType.ConnectionAck });
    return OK;
  }

  async function subscribe(
    connectionId: string,
    message: Extract<Message, { type: MessageType.Subscribe }>,
  ): Promise<WebSocketResult> {
    const connection = await registry.getConnection(connectionId);
    if (!connection?.acknowledged || connection.caller === undefined)
      return close(connectionId, CloseCode.Unauthorized, 'Unauthorized');
    const { id } = message;
    const prepared = prepareSubscription(options, message.payload);
    if ('errors' in prepared) {
      await sendErrors(connectionId, id, prepared.errors);
      return OK;
    }
    if ((await registry.countSubscriptions(connectionId)) >= limits.subscriptionsPerConnection)
      return close(connectionId, EXTRA_CLOSE_CODES.tooManyRequests, 'Too many subscriptions');
    let topic: Awaited<ReturnType<typeof topicFor>>;
    try {
      topic = await topicFor(options.deps, connection.caller, prepared.field, prepared.args);
    } catch (error) {
      if (!(error instanceof OrderError)) throw error;
      await sendErrors(connectionId, id, [error]);
      return OK;
    }
    const subscription = {
      connectionId,
      id,
      topic,
      field: prepared.field,
      query: message.payload.query,
      ...(prepared.variables && { variables: prepared.variables }),
      ...(prepared.operationName && { operationName: prepared.operationName }),
    };
    if (!(await registry.addSubscription(subscription)))
      return close(
        connectionId,
        CloseCode.SubscriberAlreadyExists,
        `Subscriber for ${id} already exists`,
      );
    if (await registry.completedEarly(connectionId, id)) {
      await registry.removeSubscription(connectionId, id);
      return OK;
    }
    if (prepared.field === 'orderUpdated') {
      // Read after registering: a change stored meanwhile is either in this state or published.
      const order = await visibleOrder(options.deps, connection.caller, String(prepared.args.id));
      if (order !== undefined) await options.deliver(subscription, order);
    }
    return OK;
  }

  async function receive(connectionId: string, body: string): Promise<WebSocketResult> {
    if (Buffer.byteLength(body) > limits.messageBytes)
      return close(
        connectionId,
        EXTRA_CLOSE_CODES.messageTooBig,
        `Messages are limited to ${limits.messageBytes} bytes`,
      );
    let message: Message;
    try {
      message = parseMessage(body);
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'Invalid message received';
      return close(connectionId, CloseCode.BadRequest, reason.slice(0, 120));
    }
    switch (message.type) {
      case MessageType.ConnectionInit:
        return initialise(connectionId, message.payload);
      case MessageType.Ping:
        await send(connectionId, {
          type: MessageType.Pong,
          ...(message.payload && { payload: message.payload }),
        });
        return OK;
      case MessageType.Pong:
        return OK;
      case MessageType.Subscribe:
        return subscribe(connectionId, message);
      case MessageType.Complete:
        await registry.completeSubscription(connectionId, message.id);
        return OK;
      default:
        return close(
          connectionId,
          CloseCode.BadRequest,
          `Unexpected message of type ${message.type} received`,
        );
    }
  }

  return async (event: WebSocketEvent): Promise<WebSocketResult> => {
    const { connectionId, eventType } = event.requestContext;
    try {
      if (eventType === 'CONNECT') return await connect(event);
      if (eventType === 'DISCONNECT') {
        await registry.removeConnection(connectionId);
        return OK;
      }
      const body = event.isBase64Encoded
        ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
        : (event.body ?? '');
      return await receive(connectionId, body);
    } catch (error) {
      options.logger.error('Unexpected error while handling a WebSocket event', {
        error,
        eventType,
        connectionId,
      });
      if (eventType !== 'MESSAGE') return { statusCode: 500 };
      await close(connectionId, CloseCode.InternalServerError, 'Internal server error').catch(
        () => undefined,
      );
      return OK;
    }
  };
}

export type WebSocketHandler = ReturnType<typeof createWebSocketHandler>;
