import { ServiceUnavailableError } from '../domain/errors.js';
import { isDispatched, type Order, type OrderDispatch } from '../domain/order.js';
import type { OrderDependencies } from './dependencies.js';

/**
 * Completes whichever side effects of a stored order are still missing — the queue message and
 * the admin alert, sent concurrently — and records those that succeeded, releasing the dispatch
 * claim the order carries in the same write. The caller must hold that claim (it created the
 * order with it, or took it with `claimDispatch`), so that no one else sends at the same time.
 * A cancelled order is never sent. In digest mode (`deps.alerts`) only the queue message is sent:
 * the order stays unannounced, hence pending, until the sweeper lists it in a digest. Throws a
 * retryable {@link ServiceUnavailableError} when any side effect failed; calling it again
 * completes only what is missing.
 */
export async function dispatchOrder(deps: OrderDependencies, order: Order): Promise<Order> {
  if (isDispatched(order.dispatch) || order.status === 'CANCELLED') return order;
  const announce = !order.dispatch.alerted && deps.alerts !== 'digest';
  const [queued, alerted] = await Promise.allSettled([
    order.dispatch.queued ? undefined : deps.queue.enqueue(order),
    announce ? deps.notifier.announce(order) : undefined,
  ]);
  const dispatch: OrderDispatch = {
    queued: queued.status === 'fulfilled',
    alerted: order.dispatch.alerted || (announce && alerted.status === 'fulfilled'),
  };
  const progressed =
    dispatch.queued !== order.dispatch.queued || dispatch.alerted !== order.dispatch.alerted;
  // Even with no progress the claim is released, so that a retry need not wait for it to expire.
  const claim = order.dispatch.claim?.token;
  if (progressed || claim !== undefined) {
    try {
      await deps.store.markDispatched(order.id, dispatch, deps.clock().toISOString(), claim);
    } catch (error) {
      throw new ServiceUnavailableError(
        'The order was stored but its progress was not recorded; retry the request.',
        {
          cause: error,
        },
      );
    }
  }
  const failures = [queued, alerted].filter((r) => r.status === 'rejected');
  if (failures.length > 0) {
    throw new ServiceUnavailableError(
      'The order was stored but not yet fully dispatched; retry the request with the same idempotency key.',
      { cause: new AggregateError(failures.map((f) => f.reason)) },
    );
  }
  return { ...order, dispatch };
}
