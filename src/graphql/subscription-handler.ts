import type { RealtimeDependencies } from '../adapters/aws/realtime-dependencies.js';
import { createWebSocketHandler, type RealtimeLimits } from '../realtime/websocket-handler.js';
import type { OrderDependencies } from '../use-cases/dependencies.js';
import { createArmor, OPERATION_LIMITS } from './armor.js';
import type { ErrorLogger } from './errors.js';
import { orderSchema } from './order-schema.js';
import type { AuthenticateToken } from './token-authentication.js';

export interface SubscriptionHandlerOptions {
  readonly deps: Pick<OrderDependencies, 'store'>;
  readonly realtime: RealtimeDependencies;
  readonly authenticate: AuthenticateToken;
  readonly logger: ErrorLogger;
  /** Whether field suggestions may appear in errors, as with introspection. @default false */
  readonly introspection?: boolean;
  readonly limits?: Partial<RealtimeLimits>;
}

/** The WebSocket handler of the order API's subscriptions, with the same limits as its queries. */
export function createSubscriptionHandler(options: SubscriptionHandlerOptions) {
  return createWebSocketHandler({
    deps: options.deps,
    registry: options.realtime.registry,
    gateway: options.realtime.gateway,
    deliver: options.realtime.deliver,
    authenticate: options.authenticate,
    schema: orderSchema(),
    limitRules: createArmor().limitRules,
    maxTokens: OPERATION_LIMITS.tokens,
    logger: options.logger,
    hideSuggestions: !(options.introspection ?? false),
    ...(options.limits && { limits: options.limits }),
  });
}
