import type { Order } from '../domain/order.js';
import { isOrderId } from '../domain/order-identity.js';
import type { OrderDependencies } from './dependencies.js';

/** The order with this id, or undefined when there is none. */
export async function getOrder(
  deps: Pick<OrderDependencies, 'store'>,
  id: string,
): Promise<Order | undefined> {
  // Ids of another shape name no order, and some (empty, too long) the table would refuse as keys.
  if (!isOrderId(id)) return undefined;
  return deps.store.get(id);
}
