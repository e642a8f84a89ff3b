import {
  OrderNotCancellableError,
  OrderNotFoundError,
  OrderStatusConflictError,
} from '../domain/errors.js';
import { statusesBefore } from '../domain/lifecycle.js';
import type { Order } from '../domain/order.js';
import { isOrderId } from '../domain/order-identity.js';
import type { OrderDependencies } from './dependencies.js';

/**
 * Cancels an order that has not been taken for processing. Cancelling a cancelled order returns
 * it unchanged. The status check and the change are one conditional write, so a cancel racing
 * the processor leaves exactly one winner.
 */
export async function cancelOrder(
  deps: Pick<OrderDependencies, 'store' | 'clock'>,
  id: string,
): Promise<Order> {
  if (!isOrderId(id)) throw new OrderNotFoundError(id);
  const now = deps.clock().toISOString();
  try {
    return await deps.store.transition({
      id,
      from: statusesBefore('CANCELLED'),
      to: 'CANCELLED',
      at: now,
      set: { cancelledAt: now },
    });
  } catch (error) {
    if (!(error instanceof OrderStatusConflictError)) throw error;
  }
  const current = await deps.store.get(id);
  if (current === undefined) throw new OrderNotFoundError(id);
  if (current.status === 'CANCELLED') return current;
  throw new OrderNotCancellableError(id, current.status);
}
