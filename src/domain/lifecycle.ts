import type { OrderStatus } from './order.js';

/** The statuses an order may move to from each status. */
export const NEXT_STATUSES: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  RECEIVED: ['PROCESSING', 'CANCELLED'],
  PROCESSING: ['COMPLETED', 'FAILED'],
  COMPLETED: [],
  CANCELLED: [],
  FAILED: [],
};

export const canMove = (from: OrderStatus, to: OrderStatus): boolean =>
  NEXT_STATUSES[from].includes(to);

/** The statuses from which an order may move to `to`. */
export const statusesBefore = (to: OrderStatus): OrderStatus[] =>
  (Object.keys(NEXT_STATUSES) as OrderStatus[]).filter((from) => canMove(from, to));
