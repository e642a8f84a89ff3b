import type { Server } from 'node:http';
import type { AwsClients } from '../adapters/aws/clients.js';
import {
  createRealtimeDependencies,
  type RealtimeDependencies,
} from '../adapters/aws/realtime-dependencies.js';
import type { AuthConfig } from '../config.js';
import type { OrderStore } from '../domain/ports.js';
import type { ErrorLogger } from '../graphql/errors.js';
import { orderSchema } from '../graphql/order-schema.js';
import { createSubscriptionHandler } from '../graphql/subscription-handler.js';
import { createTokenAuthenticator } from '../graphql/token-authentication.js';
import { reconcileSubscriptions } from '../realtime/reconcile.js';
import type { RealtimeLimits, WebSocketHandler } from '../realtime/websocket-handler.js';
import { ensureSubscriptionTable } from './subscription-resources.js';
import { type LocalWebSocketGateway, startWebSocketGateway } from './websocket-gateway.js';

export interface LocalRealtimeOptions {
  readonly clients: AwsClients;
  readonly region: string;
  readonly tableName: string;
  readonly auth: AuthConfig;
  readonly logger: ErrorLogger;
  readonly introspection?: boolean;
  /** @default REALTIME_LIMITS */
  readonly limits?: Partial<RealtimeLimits>;
}

export interface LocalRealtime extends RealtimeDependencies {
  readonly websocket: LocalWebSocketGateway;
  /**
   * Starts serving subscriptions on the HTTP server, reading orders from `store`, and (unless
   * `reconcileEveryMs` is 0) reconciling on a timer as the scheduled function does in AWS.
   */
  serve(server: Server, store: OrderStore, reconcileEveryMs?: number): void;
  stop(): Promise<void>;
}

/**
 * The subscription side of the local runtime: the subscription table, the local stand-in for the
 * API Gateway WebSocket API and its management API, and the same WebSocket handler as the Lambda.
 */
export async function startLocalRealtime(options: LocalRealtimeOptions): Promise<LocalRealtime> {
  await ensureSubscriptionTable(options.clients, options.tableName);
  let handler: WebSocketHandler | undefined;
  const websocket = await startWebSocketGateway(async (event) => {
    if (!handler) return { statusCode: 503 };
    return handler(event);
  });
  const realtime = createRealtimeDependencies(
    options.clients.dynamo,
    options.region,
    { subscriptionsTableName: options.tableName, callbackUrl: websocket.callbackUrl },
    orderSchema,
  );
  let timer: NodeJS.Timeout | undefined;
  return {
    ...realtime,
    websocket,
    serve(server, store, reconcileEveryMs = 0) {
      handler = createSubscriptionHandler({
        deps: { store },
        realtime,
        authenticate: createTokenAuthenticator(options.auth),
        logger: options.logger,
        ...(options.introspection !== undefined && { introspection: options.introspection }),
        ...(options.limits && { limits: options.limits }),
      });
      websocket.attach(server);
      if (reconcileEveryMs > 0) {
        timer = setInterval(() => {
          void reconcileSubscriptions({ ...realtime, store }).catch((error: unknown) =>
            options.logger.error('Reconciling subscriptions failed', { error }),
          );
        }, reconcileEveryMs);
        timer.unref();
      }
    },
    async stop() {
      clearInterval(timer);
      await websocket.close();
    },
  };
}
