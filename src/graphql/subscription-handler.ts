import type { RealtimeDependencies } from '../adapters/aws/realtime-dependencies.js';
import { createWebSocketHandler, type RealtimeLimits } from '../realtime/websocket-handler.js';
import type { OrderDependencies } from '../use-cases/dependencies.js';
import { largestAnswerBytes } from './answer-size.js';
import { createArmor, OPERATION_LIMITS } from './armor.js';
import type { ErrorLogger } from './errors.js';
import { ORDER_ANSWER_BOUNDS } from './order-answer-bounds.js';
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

/**
 * Most bytes of one event's payload: API Gateway posts at most 128 KB to a connection, and the
 * `next` message's envelope around the payload takes under 1 KB.
 */
export const MAX_EVENT_BYTES = 127 * 1024;

/** The WebSocket handler of the order API's subscriptions, with the same limits as its queries. */
export function createSubscriptionHandler(options: SubscriptionHandlerOptions) {
  const schema = orderSchema();
  return createWebSocketHandler({
    deps: options.deps,
    registry: options.realtime.registry,
    gateway: options.realtime.gateway,
    deliver: options.realtime.deliver,
    authenticate: options.authenticate,
    schema,
    limitRules: createArmor().limitRules,
    maxTokens: OPERATION_LIMITS.tokens,
    answerBytes: (document, operation, variables) =>
      largestAnswerBytes(schema, document, operation, variables, ORDER_ANSWER_BOUNDS),
    maxAnswerBytes: Math.min(OPERATION_LIMITS.answerBytes, MAX_EVENT_BYTES),
    logger: options.logger,
    hideSuggestions: !(options.introspection ?? false),
    ...(options.limits && { limits: options.limits }),
  });
}
