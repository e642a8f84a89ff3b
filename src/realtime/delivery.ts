import { type DocumentNode, type GraphQLSchema, parse } from 'graphql';
import { MessageType, stringifyMessage } from 'graphql-ws';
import type { Order, OrderStatus } from '../domain/order.js';
import {
  type ConnectionGateway,
  ConnectionGoneError,
  type SubscriptionRecord,
  type SubscriptionRegistry,
} from './ports.js';
import { renderEvent } from './subscription-operation.js';

/** Statuses after which an order never changes again. */
export const FINAL_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'COMPLETED',
  'CANCELLED',
  'FAILED',
]);

/** What delivering one order state to one subscription did. */
export type DeliveryOutcome = 'sent' | 'completed' | 'already-sent' | 'gone';

/** Sends one order state to one subscription. */
export type Deliver = (subscription: SubscriptionRecord, order: Order) => Promise<DeliveryOutcome>;

export interface DeliveryOptions {
  /** The schema, asked for on the first delivery. */
  readonly schema: () => GraphQLSchema;
  readonly registry: SubscriptionRegistry;
  readonly gateway: ConnectionGateway;
}

const DOCUMENT_CACHE_SIZE = 200;

/**
 * Delivery of order states to subscriptions. An `orderUpdated` subscription first moves its
 * watermark (a conditional write), so each state of the order reaches it once and an older state
 * never follows a newer one; after a final status it is sent `complete` and removed. A connection
 * that is gone is removed with all its subscriptions.
 */
export function createDelivery({ schema, registry, gateway }: DeliveryOptions): Deliver {
  // Operations were validated at subscribe; most subscribers send the same few documents.
  const documents = new Map<string, DocumentNode>();
  const documentOf = (query: string) => {
    let document = documents.get(query);
    if (document === undefined) {
      if (documents.size >= DOCUMENT_CACHE_SIZE) documents.clear();
      document = parse(query, { noLocation: true });
      documents.set(query, document);
    }
    return document;
  };
  return async (subscription, order) => {
    const { connectionId, id } = subscription;
    const single = subscription.field === 'orderUpdated';
    if (single && !(await registry.advance(connectionId, id, order.updatedAt))) {
      return 'already-sent';
    }
    const payload = await renderEvent(
      schema(),
      { ...subscription, document: documentOf(subscription.query) },
      order,
    );
    try {
      await gateway.send(connectionId, stringifyMessage({ type: MessageType.Next, id, payload }));
      if (!single || !FINAL_STATUSES.has(order.status)) return 'sent';
      await gateway.send(connectionId, stringifyMessage({ type: MessageType.Complete, id }));
    } catch (error) {
      if (!(error instanceof ConnectionGoneError)) throw error;
      await registry.removeConnection(connectionId);
      return 'gone';
    }
    await registry.removeSubscription(connectionId, id);
    return 'completed';
  };
}
