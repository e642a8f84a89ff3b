import type { Money } from './money.js';

export const ORDER_STATUSES = [
  'RECEIVED',
  'PROCESSING',
  'COMPLETED',
  'CANCELLED',
  'FAILED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderLine {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: Money;
  readonly lineTotal: Money;
}

/** Which side effects of placing the order have completed. */
export interface OrderDispatch {
  readonly queued: boolean;
  readonly alerted: boolean;
}

export interface Order {
  readonly id: string;
  readonly customerId: string;
  readonly customerEmail: string;
  readonly items: readonly OrderLine[];
  readonly total: Money;
  readonly status: OrderStatus;
  /** ISO-8601 instants. */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly processedAt?: string;
  readonly cancelledAt?: string;
  /** Fingerprint of the request that created the order, to tell a replay from a conflict. */
  readonly requestHash: string;
  readonly dispatch: OrderDispatch;
}

export const isDispatched = (d: OrderDispatch): boolean => d.queued && d.alerted;
