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
  /** Where the next page continues, when not after the last order of this one. */
  readonly endAt?: OrderPosition;
}

/** A page of a customer's orders, newest first. */
export async function listOrders(
  deps: Pick<OrderDependencies, 'store'>,
  request: ListOrdersRequest,
): Promise<OrderPage> {
  checkCustomerId('customerId', request.customerId);
  const first = pageSize(request.first);
  if (request.status != null) checkStatus(request.status);
  const orders = await deps.store.listByCustomer({
    customerId: request.customerId,
    limit: first + 1,
    ...(request.status != null && { status: request.status }),
    ...(request.after != null && { after: request.after }),
  });
  return toPage(orders, first);
}

/** The page size asked for, or the default; a size outside 1 to the maximum is refused. */
export function pageSize(first: number | null | undefined): number {
  const size = first ?? PAGE_SIZE.default;
  if (!Number.isInteger(size) || size < 1 || size > PAGE_SIZE.max) {
    throw new ValidationError('first', `must be an integer from 1 to ${PAGE_SIZE.max}`);
  }
  return size;
}

export function checkStatus(status: string): asserts status is OrderStatus {
  if (!(ORDER_STATUSES as readonly string[]).includes(status)) {
    throw new ValidationError('status', 'is not an order status');
  }
}

/** A page of `first` orders out of the `first + 1` read. */
export const toPage = (orders: readonly Order[], first: number): OrderPage => ({
  orders: orders.slice(0, first),
  hasNextPage: orders.length > first,
});
