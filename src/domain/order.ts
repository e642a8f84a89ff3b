import { randomUUID } from 'node:crypto';
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

/**
 * The right to send an order's missing side effects, held by one caller at a time until `until`
 * (an ISO-8601 instant): concurrent requests for the same order, and the sweeper, never send
 * the same alert twice while a claim holds. A caller that dies leaves it to expire.
 */
export interface DispatchClaim {
  readonly token: string;
  readonly until: string;
}

/** How long a dispatch claim holds: well beyond any request's budget, below the sweeper's grace. */
export const DISPATCH_CLAIM_MS = 30_000;

/** A new claim, held from `now` for {@link DISPATCH_CLAIM_MS}. */
export const newDispatchClaim = (now: Date): DispatchClaim => ({
  token: randomUUID(),
  until: new Date(now.getTime() + DISPATCH_CLAIM_MS).toISOString(),
});

/** Which side effects of placing the order have completed, and who is completing them. */
export interface OrderDispatch {
  readonly queued: boolean;
  readonly alerted: boolean;
  readonly claim?: DispatchClaim;
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
