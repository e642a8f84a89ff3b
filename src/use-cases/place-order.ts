import {
  IdempotencyConflictError,
  OrderAlreadyExistsError,
  ServiceUnavailableError,
} from '../domain/errors.js';
import type { Order } from '../domain/order.js';
import { orderIdFor, requestHash } from '../domain/order-identity.js';
import { priceItems } from '../domain/pricing.js';
import { type PlaceOrderRequest, validatePlaceOrder } from '../domain/validation.js';
import type { OrderDependencies } from './dependencies.js';
import { dispatchOrder } from './dispatch-order.js';

/** What placing an order answers: the order as stored, new or replayed. */
export interface PlacedOrder {
  readonly order: Order;
}

/**
 * Places an order: validates it, stores it with a conditional write, then queues it and alerts
 * the administrators concurrently. A replay of the same idempotency key with the same payload
 * returns the stored order and completes only the side effects still missing. When a side effect
 * fails, a request with a key gets a retryable error; one without a key cannot be retried safely,
 * so its stored order is returned and the sweeper completes the dispatch.
 */
export async function placeOrder(
  deps: OrderDependencies,
  request: PlaceOrderRequest,
): Promise<PlacedOrder> {
  validatePlaceOrder(request);
  const { lines, total } = priceItems(request.currency, request.items);
  const now = deps.clock().toISOString();
  const order: Order = {
    id: orderIdFor(request),
    customerId: request.customerId,
    customerEmail: request.customerEmail,
    items: lines,
    total,
    status: 'RECEIVED',
    createdAt: now,
    updatedAt: now,
    requestHash: requestHash(request),
    dispatch: { queued: false, alerted: false },
  };
  try {
    await deps.store.create(order);
  } catch (error) {
    if (!(error instanceof OrderAlreadyExistsError)) throw error;
    return { order: await replay(deps, order) };
  }
  try {
    return { order: await dispatchOrder(deps, order) };
  } catch (error) {
    // Without a key a retry would be a second order: accept this one, and let the sweeper
    // complete its dispatch.
    if (request.idempotencyKey == null && error instanceof ServiceUnavailableError)
      return { order };
    throw error;
  }
}

/** A request whose key names a stored order: the same payload completes it, another conflicts. */
async function replay(deps: OrderDependencies, order: Order): Promise<Order> {
  const stored = await deps.store.get(order.id);
  if (stored === undefined) {
    throw new ServiceUnavailableError('The order could not be read back; retry the request.');
  }
  if (stored.requestHash !== order.requestHash) throw new IdempotencyConflictError();
  return dispatchOrder(deps, stored);
}
