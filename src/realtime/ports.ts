import type { Caller } from '../domain/caller.js';

/** The subscription fields of the schema. */
export const SUBSCRIPTION_FIELDS = ['orderUpdated', 'ordersUpdated', 'allOrdersUpdated'] as const;
export type SubscriptionField = (typeof SUBSCRIPTION_FIELDS)[number];

/**
 * What a subscription listens to: one order (`order#<id>`), one customer's orders
 * (`customer#<id>`) or every order (`all`).
 */
export type Topic = `order#${string}` | `customer#${string}` | 'all';

export const orderTopic = (id: string): Topic => `order#${id}`;
export const customerTopic = (customerId: string): Topic => `customer#${customerId}`;
export const ALL_ORDERS: Topic = 'all';

/** One open WebSocket connection. */
export interface ConnectionRecord {
  readonly connectionId: string;
  /** Epoch milliseconds. */
  readonly connectedAt: number;
  /** Set once `connection_init` was accepted (or a token was checked at connect). */
  readonly caller?: Caller;
  /** Whether `connection_ack` was sent. */
  readonly acknowledged: boolean;
}

/** One active subscription of a connection, as validated at subscribe. */
export interface SubscriptionRecord {
  readonly connectionId: string;
  /** The client's id of the operation, unique within the connection. */
  readonly id: string;
  readonly topic: Topic;
  readonly field: SubscriptionField;
  /** The operation's document, re-executed for each event. */
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>>;
  readonly operationName?: string;
  /** `updatedAt` of the last order state sent to an `orderUpdated` subscription. */
  readonly sentUpdatedAt?: string;
}

/**
 * Where connections and their subscriptions are kept between invocations (in AWS a DynamoDB
 * table whose items expire after API Gateway's 2-hour connection limit).
 */
export interface SubscriptionRegistry {
  addConnection(connection: ConnectionRecord): Promise<void>;
  getConnection(connectionId: string): Promise<ConnectionRecord | undefined>;
  /**
   * Records the caller and marks the connection acknowledged; false when it already was (a second
   * `connection_init`) or the connection is unknown.
   */
  acknowledge(connectionId: string, caller: Caller): Promise<boolean>;
  /** How many acknowledged connections this caller holds. */
  countConnections(caller: Caller): Promise<number>;
  /** Adds a subscription; false when the connection already has one with this id. */
  addSubscription(subscription: SubscriptionRecord): Promise<boolean>;
  countSubscriptions(connectionId: string): Promise<number>;
  removeSubscription(connectionId: string, id: string): Promise<void>;
  /**
   * Ends a subscription the client completed. API Gateway may run a connection's messages
   * concurrently, so a `complete` can be handled before its `subscribe` was stored: then a mark is
   * left that the subscribe finds ({@link completedEarly}).
   */
  completeSubscription(connectionId: string, id: string): Promise<void>;
  /**
   * Whether the client completed this subscription while it was being stored (a mark left by
   * {@link completeSubscription} within the last minute); takes the mark away.
   */
  completedEarly(connectionId: string, id: string): Promise<boolean>;
  /** Removes the connection and every subscription it holds. */
  removeConnection(connectionId: string): Promise<void>;
  /** Every subscription listening to one of these topics. */
  subscribersOf(topics: readonly Topic[]): Promise<SubscriptionRecord[]>;
  /** How many shards the `orderUpdated` subscriptions are spread over, for reconciliation. */
  readonly reconcileShards: number;
  /** Up to `limit` `orderUpdated` subscriptions of one shard (0 to `reconcileShards - 1`). */
  orderSubscriptions(shard: number, limit: number): Promise<SubscriptionRecord[]>;
  /**
   * Moves an `orderUpdated` subscription's watermark to `updatedAt`; false when it already
   * stands there or later (the state was sent), so each state is sent once and never out of order.
   */
  advance(connectionId: string, id: string, updatedAt: string): Promise<boolean>;
}

/** Raised by a {@link ConnectionGateway} when the client is gone (API Gateway's `GoneException`). */
export class ConnectionGoneError extends Error {
  constructor(
    readonly connectionId: string,
    options?: ErrorOptions,
  ) {
    super(`Connection ${connectionId} is gone.`, options);
    this.name = 'ConnectionGoneError';
  }
}

/** Sends to and closes client connections (in AWS API Gateway's management API). */
export interface ConnectionGateway {
  /** Sends one text message; throws {@link ConnectionGoneError} when the client is gone. */
  send(connectionId: string, message: string): Promise<void>;
  /**
   * Closes the connection. `code` and `reason` are the protocol's; API Gateway cannot pass them
   * on (its clients see 1000), the local gateway does.
   */
  close(connectionId: string, code: number, reason: string): Promise<void>;
}
