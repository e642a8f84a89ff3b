import { ValidationError } from '../domain/errors.js';
import type { OrderStatus } from '../domain/order.js';
import type { OrderPosition } from '../domain/ports.js';
import type { OrderDependencies } from './dependencies.js';
import { checkStatus, type OrderPage, pageSize, toPage } from './list-orders.js';

export interface ListOrdersByStatusRequest {
  readonly status: OrderStatus;
  /** Only orders created after this instant. */
  readonly createdAfter?: string | null;
  readonly first?: number | null;
  /** Where the previous page ended. */
  readonly after?: OrderPosition | null;
}

/**
 * A page of every customer's orders of one status, newest first, paged like a customer's list
 * (the same page sizes and positions). A page may hold fewer than `first` orders and still have
 * a next page when the store read its bounded share of entries first; `endAt` says where it
 * continues. Who may ask is the caller's business.
 */
export async function listOrdersByStatus(
  deps: Pick<OrderDependencies, 'store'>,
  request: ListOrdersByStatusRequest,
): Promise<OrderPage> {
  checkStatus(request.status);
  const first = pageSize(request.first);
  let createdAfter: string | undefined;
  if (request.createdAfter != null) {
    const instant = new Date(request.createdAfter);
    if (Number.isNaN(instant.getTime())) {
      throw new ValidationError('createdAfter', 'is not an instant');
    }
    createdAfter = instant.toISOString();
  }
  const { orders, resumeAfter } = await deps.store.listByStatus({
    status: request.status,
    limit: first + 1,
    ...(createdAfter !== undefined && { createdAfter }),
    ...(request.after != null && { after: request.after }),
  });
  // The store stopped short of a full page: the next page continues where it stopped.
  if (resumeAfter !== undefined && orders.length <= first) {
    return { orders, hasNextPage: true, endAt: resumeAfter };
  }
  return toPage(orders, first);
}
