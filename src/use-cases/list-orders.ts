import { ValidationError } from '../domain/errors.js';
import { ORDER_STATUSES, type Order, type OrderStatus } from '../domain/order.js';
import type { OrderPosition } from '../domain/ports.js';
import { checkCustomerId } from '../domain/validation.js';
import type { OrderDependencies } from './dependencies.js';

export const PAGE_SIZE = { default: 20, max: 100 } as const;

export interface ListOrdersRequest {
  readonly customerId: string;
  readonly status?: OrderStatus | null;
  readonly first?: number | null;
  /** Where the previous page ended. */
  readonly after?: OrderPosition | null;
}

export interface OrderPage {
  readonly orders: readonly Order[];
  readonly hasNextPage: boolean;
}

/** A page of a customer's orders, newest first. */
export async function listOrders(
  deps: Pick<OrderDependencies, 'store'>,
  request: ListOrdersRequest,
): Promise<OrderPage> {
  checkCustomerId('customerId', request.customerId);
  const first = request.first ?? PAGE_SIZE.default;
  if (!Number.isInteger(first) || first < 1 || first > PAGE_SIZE.max) {
    throw new ValidationError('first', `must be an integer from 1 to ${PAGE_SIZE.max}`);
  }
  if (request.status != null && !ORDER_STATUSES.includes(request.status)) {
    throw new ValidationError('status', 'is not an order status');
  }
  const orders = await deps.store.listByCustomer({
    customerId: request.customerId,
    limit: first + 1,
    ...(request.status != null && { status: request.status }),
    ...(request.after != null && { after: request.after }),
  });
  return {
    orders: orders.slice(0, first),
    hasNextPage: orders.length > first,
  };
}
