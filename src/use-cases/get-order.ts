import type { Order } from '../domain/order.js';
import type { OrderDependencies } from './dependencies.js';

/** The order with this id, or undefined when there is none. */
export async function getOrder(
  deps: Pick<OrderDependencies, 'store'>,
  id: string,
): Promise<Order | undefined> {
  return deps.store.get(id);
}
