import type { Context } from 'aws-lambda';
import { type BudgetPolicy, budgetFor, withCallBudget } from '../adapters/aws/call-budget.js';
import { createAwsClients } from '../adapters/aws/clients.js';
import { DynamoDbOrderStore } from '../adapters/aws/dynamodb-order-store.js';
import { createRealtimeDependencies } from '../adapters/aws/realtime-dependencies.js';
import { parseWebSocketConfig } from '../config.js';
import { orderSchema } from '../graphql/order-schema.js';
import { createSubscriptionHandler } from '../graphql/subscription-handler.js';
import { createTokenAuthenticator } from '../graphql/token-authentication.js';
import { createTelemetry } from '../observability/telemetry.js';
import { withObservability } from '../observability/with-observability.js';
import type { WebSocketEvent, WebSocketResult } from '../realtime/websocket-handler.js';

/**
 * The calls of one event end this long before the invocation (10 s), so that a stalled call
 * still leaves time to answer.
 */
export const WEBSOCKET_CALL_BUDGET: BudgetPolicy = { capMs: 8_000, reserveMs: 1_000 };

const config = parseWebSocketConfig();
const telemetry = createTelemetry('order-subscriptions');
const { dynamo } = createAwsClients(config.region);
const handle = createSubscriptionHandler({
  deps: { store: new DynamoDbOrderStore(dynamo, config.tableName) },
  realtime: createRealtimeDependencies(dynamo, config.region, config.realtime, orderSchema),
  authenticate: createTokenAuthenticator(config.auth),
  logger: telemetry.logger,
  introspection: config.introspection,
});

/** API Gateway WebSocket API entry point of the `$connect`, `$disconnect` and `$default` routes. */
export const handler = withObservability<WebSocketEvent, WebSocketResult>(
  (event, context: Context) =>
    withCallBudget(budgetFor(context.getRemainingTimeInMillis(), WEBSOCKET_CALL_BUDGET), () =>
      handle(event),
    ),
  telemetry,
);
