import { ValidationError } from '../domain/errors.js';
import { ORDER_STATUSES, type Order, type OrderStatus } from '../domain/order.js';
import { isOrderId } from '../domain/order-identity.js';
import type { OrderPosition } from '../domain/ports.js';
import { checkCustomerId } from '../domain/validation.js';
import type { OrderDependencies } from './dependencies.js';

export const PAGE_SIZE = { default: 20, max: 100 } as const;

export interface ListOrdersRequest {
  readonly customerId: string;
  readonly status?: OrderStatus | null;
  readonly first?: number | null;
  readonly after?: string | null;
}

export interface OrderPage {
  readonly orders: readonly { readonly order: Order; readonly cursor: string }[];
  readonly hasNextPage: boolean;
}

/** An opaque cursor: where the page continues, base64url-encoded. */
export const encodeCursor = (order: Pick<Order, 'createdAt' | 'id'>): string =>
  Buffer.from(JSON.stringify([order.createdAt, order.id])).toString('base64url');

function decodeCursor(cursor: string): OrderPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      const [createdAt, id] = value as [string, string];
      if (isOrderId(id) && !Number.isNaN(Date.parse(createdAt))) return { createdAt, id };
    }
  } catch {
    // falls through to the validation error below
  }
  throw new ValidationError('after', 'is not a cursor returned by this API');
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
    ...(request.after != null && { after: decodeCursor(request.after) }),
  });
  return {
    orders: orders.slice(0, first).map((order) => ({ order, cursor: encodeCursor(order) })),
    hasNextPage: orders.length > first,
  };
}
