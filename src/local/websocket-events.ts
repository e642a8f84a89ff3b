import { randomUUID } from 'node:crypto';
import type { WebSocketEvent } from '../realtime/websocket-handler.js';

export interface WebSocketEventInput {
  readonly connectionId: string;
  /** Epoch milliseconds when the connection was made. */
  readonly connectedAt: number;
  readonly apiId?: string;
  readonly stage?: string;
  readonly domainName?: string;
  readonly sourceIp?: string;
}

function requestContext(
  input: WebSocketEventInput,
  routeKey: string,
  eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT',
) {
  const now = new Date();
  const apiId = input.apiId ?? 'local';
  return {
    routeKey,
    eventType,
    messageId: eventType === 'MESSAGE' ? randomUUID() : '',
    extendedRequestId: randomUUID(),
    requestTime: now.toUTCString(),
    messageDirection: 'IN' as const,
    stage: input.stage ?? 'live',
    connectedAt: input.connectedAt,
    requestTimeEpoch: now.getTime(),
    identity: { sourceIp: input.sourceIp ?? '127.0.0.1' },
    requestId: randomUUID(),
    domainName: input.domainName ?? `${apiId}.execute-api.us-east-1.amazonaws.com`,
    connectionId: input.connectionId,
    apiId,
  };
}

const multiValue = (values: Readonly<Record<string, string>>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [v]]));

/** The `$connect` event API Gateway sends for a WebSocket handshake, with its headers and query. */
export function connectEvent(
  input: WebSocketEventInput & {
    readonly headers: Readonly<Record<string, string>>;
    readonly query?: Readonly<Record<string, string>>;
  },
): WebSocketEvent {
  return {
    headers: { ...input.headers },
    multiValueHeaders: multiValue(input.headers),
    ...(input.query && {
      queryStringParameters: { ...input.query },
      multiValueQueryStringParameters: multiValue(input.query),
    }),
    requestContext: requestContext(input, '$connect', 'CONNECT'),
    isBase64Encoded: false,
  } as WebSocketEvent;
}

/** The `$default` event of one client message (API Gateway base64-encodes binary frames). */
export function messageEvent(
  input: WebSocketEventInput & { readonly body: string; readonly binary?: boolean },
): WebSocketEvent {
  return {
    requestContext: requestContext(input, '$default', 'MESSAGE'),
    body: input.binary ? Buffer.from(input.body).toString('base64') : input.body,
    isBase64Encoded: input.binary ?? false,
  };
}

/** The `$disconnect` event, with the close code the client (or the network) ended with. */
export function disconnectEvent(
  input: WebSocketEventInput & { readonly statusCode?: number; readonly reason?: string },
): WebSocketEvent {
  return {
    headers: { Host: input.domainName ?? 'local.execute-api.us-east-1.amazonaws.com' },
    requestContext: {
      ...requestContext(input, '$disconnect', 'DISCONNECT'),
      disconnectStatusCode: input.statusCode ?? 1005,
      disconnectReason: input.reason ?? '',
    },
    isBase64Encoded: false,
  } as WebSocketEvent;
}
