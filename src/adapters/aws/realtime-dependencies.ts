import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GraphQLSchema } from 'graphql';
import type { RealtimeConfig } from '../../config.js';
import { createDelivery, type Deliver } from '../../realtime/delivery.js';
import type { ConnectionGateway, SubscriptionRegistry } from '../../realtime/ports.js';
import {
  createOrderPublisher,
  createPublishSession,
  type PublishOrderChange,
} from '../../realtime/publisher.js';
import {
  type PublishFailureHandler,
  publishingOrderStore,
} from '../../realtime/publishing-order-store.js';
import type { OrderDependencies } from '../../use-cases/dependencies.js';
import { ApiGatewayConnectionGateway } from './apigateway-connection-gateway.js';
import { HTTP_TIMEOUTS } from './client-options.js';
import { DynamoDbSubscriptionRegistry } from './dynamodb-subscription-registry.js';

/** What serving and publishing subscriptions needs. */
export interface RealtimeDependencies {
  readonly registry: SubscriptionRegistry;
  readonly gateway: ConnectionGateway;
  readonly deliver: Deliver;
  /** Publishes one change, looking its subscribers up. */
  readonly publish: PublishOrderChange;
  /** A publisher for one processing of one order: one lookup for all its changes. */
  readonly session: () => PublishOrderChange;
}

/** Wires the subscription table and API Gateway's management API to the realtime ports. */
export function createRealtimeDependencies(
  dynamo: DynamoDBDocumentClient,
  region: string,
  config: RealtimeConfig,
  /** Built on the first event, so that a function with no subscriber never builds it. */
  schema: () => GraphQLSchema,
): RealtimeDependencies {
  const registry = new DynamoDbSubscriptionRegistry(dynamo, config.subscriptionsTableName);
  const gateway = new ApiGatewayConnectionGateway(
    new ApiGatewayManagementApiClient({ region, endpoint: config.callbackUrl, ...HTTP_TIMEOUTS }),
  );
  const deliver = createDelivery({ schema, registry, gateway });
  const options = { registry, gateway, deliver };
  return {
    registry,
    gateway,
    deliver,
    publish: createOrderPublisher(options),
    session: () => createPublishSession(options),
  };
}

/**
 * The API's ports with the status changes it makes (cancels) published to subscribers; a change
 * whose publish left a subscriber untold is queued again for the order processor to publish.
 */
export function withPublishing<T extends Pick<OrderDependencies, 'store' | 'queue'>>(
  deps: T,
  publish: PublishOrderChange,
  onFailure: PublishFailureHandler,
): T {
  return {
    ...deps,
    store: publishingOrderStore(deps.store, publish, {
      onFailure,
      republish: (order) => deps.queue.enqueue(order),
    }),
  };
}
