import {
  IdempotencyConflictError,
  OrderAlreadyExistsError,
  OrderOutcomeUnknownError,
  ServiceUnavailableError,
  WriteOutcomeUnknownError,
} from '../domain/errors.js';
import { isDispatched, newDispatchClaim, type Order } from '../domain/order.js';
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
 * Places an order: validates it, stores it with a conditional write that also claims its
 * dispatch, then queues it and alerts the administrators concurrently. A replay of the same
 * idempotency key with the same payload returns the stored order and completes only the side
 * effects still missing — when it can take the dispatch claim; while another request holds it,
 * the stored order is returned and that request (or, if it dies, the sweeper) sends them. When a
 * side effect fails, a request with a key gets a retryable error; one without a key cannot be
 * retried safely, so its stored order is returned and the sweeper completes the dispatch. A
 * request without a key whose write stayed ambiguous is told so, and not to retry blindly.
 */
export async function placeOrder(
  deps: OrderDependencies,
  request: PlaceOrderRequest,
): Promise<PlacedOrder> {
  validatePlaceOrder(request);
  const { lines, total } = priceItems(request.currency, request.items);
  const clock = deps.clock();
  const now = clock.toISOString();
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
    dispatch: { queued: false, alerted: false, claim: newDispatchClaim(clock) },
  };
  const keyless = request.idempotencyKey == null;
  let toDispatch: Order = order;
  try {
    await deps.store.create(order);
  } catch (error) {
    if (error instanceof OrderAlreadyExistsError) {
      // A random id is taken only by this request's own put, whose first answer was lost: the
      // stored order is this one, claim included. A key's id may be another request's.
      if (!keyless) {
        const replayed = await replay(deps, order);
        if (!replayed.dispatch) return { order: replayed.order };
        toDispatch = replayed.order;
      }
    } else if (error instanceof WriteOutcomeUnknownError) {
      // With a key a retry names the same order, so it is safe; without one it could be a second.
      if (keyless) throw new OrderOutcomeUnknownError({ cause: error });
      throw new ServiceUnavailableError(
        'The order table did not answer; retry the request with the same idempotency key.',
        { cause: error },
      );
    } else {
      throw error;
    }
  }
  try {
    return { order: await dispatchOrder(deps, toDispatch) };
  } catch (error) {
    // Without a key a retry would be a second order: accept this one, and let the sweeper
    // complete its dispatch.
    if (keyless && error instanceof ServiceUnavailableError) return { order: toDispatch };
    throw error;
  }
}

/**
 * A request whose key names a stored order: another payload conflicts; the same one is answered
 * with the stored order, to be dispatched by this request when it holds or can take the claim.
 */
async function replay(
  deps: OrderDependencies,
  order: Order,
): Promise<{ readonly order: Order; readonly dispatch: boolean }> {
  const stored = await deps.store.get(order.id);
  if (stored === undefined) {
    throw new ServiceUnavailableError('The order could not be read back; retry the request.');
  }
  if (stored.requestHash !== order.requestHash) throw new IdempotencyConflictError();
  if (isDispatched(stored.dispatch) || stored.status === 'CANCELLED') {
    return { order: stored, dispatch: false };
  }
  const mine = order.dispatch.claim;
  if (mine === undefined || stored.dispatch.claim?.token === mine.token) {
    return { order: stored, dispatch: true };
  }
  const claimed = await deps.store.claimDispatch(order.id, mine, deps.clock().toISOString());
  return claimed === undefined
    ? { order: stored, dispatch: false }
    : { order: claimed, dispatch: true };
}
