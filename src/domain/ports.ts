import type { DispatchClaim, Order, OrderDispatch, OrderStatus } from './order.js';

/** Where a page of a customer's orders continues: just after this order. */
export interface OrderPosition {
  readonly createdAt: string;
  readonly id: string;
}

export interface ListOrdersQuery {
  readonly customerId: string;
  readonly status?: OrderStatus;
  /** Most orders to return. */
  readonly limit: number;
  readonly after?: OrderPosition;
}

/** Orders of one status across customers, newest first. */
export interface StatusQuery {
  readonly status: OrderStatus;
  /** Only orders created after this instant (ISO-8601). */
  readonly createdAfter?: string;
  /** Most orders to return. */
  readonly limit: number;
  readonly after?: OrderPosition;
}

/** Orders of one status, newest first. */
export interface StatusPage {
  readonly orders: readonly Order[];
  /**
   * Set when the store stopped reading before the page was full (it reads a bounded number of
   * entries per page): more orders may follow this position, which the next page continues after.
   */
  readonly resumeAfter?: OrderPosition;
}

/** One shard of the pending-order index, oldest first. */
export interface PendingQuery {
  /** 0 to `pendingShards - 1`. */
  readonly shard: number;
  readonly createdBefore: string;
  readonly limit: number;
  readonly after?: OrderPosition;
}

/** A pending order as the sweeper finds it: where it is, and how often sweeps failed on it. */
export interface PendingOrder extends OrderPosition {
  /** Sweeps that failed to dispatch it so far. */
  readonly sweepAttempts: number;
  /** No sweep tries it again before this instant (ISO-8601), when set. */
  readonly sweepAfter?: string;
}

export interface StatusChange {
  readonly id: string;
  /** The change applies only while the order is in one of these statuses. */
  readonly from: readonly OrderStatus[];
  readonly to: OrderStatus;
  readonly at: string;
  /** Timestamps recorded with the change. */
  readonly set?: Partial<Pick<Order, 'processedAt' | 'cancelledAt'>>;
  /**
   * The order still misses a side effect as far as the caller knows: the change marks it
   * pending, so that the sweeper finds it once it has left the open orders (RECEIVED,
   * PROCESSING). Ignored for a cancel.
   */
  readonly pending?: boolean;
}

/** One shard of the open orders (RECEIVED or PROCESSING), oldest first. */
export interface OpenOrdersQuery {
  /** 0 to `pendingShards - 1`. */
  readonly shard: number;
  /** Only orders after this position (the shard's watermark); from the oldest when absent. */
  readonly after?: OrderPosition;
  readonly createdBefore: string;
  readonly limit: number;
}

/** What the sweeper needs to know of an open order, read consistently. */
export interface DispatchState extends OrderPosition {
  readonly status: OrderStatus;
  readonly dispatch: Pick<OrderDispatch, 'queued' | 'alerted'>;
  /** Whether the order carries the pending marker (the sweeper's index has it). */
  readonly pending: boolean;
}

/** Durable storage of orders: the source of truth. */
export interface OrderStore {
  /**
   * Stores a new order, with the dispatch claim it carries; throws `OrderAlreadyExistsError` when
   * the id is taken. Never overwrites. When the write's answer is lost it reads the id to find
   * out: an order found there is reported as `OrderAlreadyExistsError`, none as a retryable
   * failure, and a read that fails too as `WriteOutcomeUnknownError`.
   */
  create(order: Order): Promise<void>;
  /** The order with this id, or undefined. */
  get(id: string): Promise<Order | undefined>;
  /** A customer's orders, newest first, optionally of one status. */
  listByCustomer(query: ListOrdersQuery): Promise<Order[]>;
  /** Every customer's orders of one status, newest first: up to `limit`, fewer when it stopped early. */
  listByStatus(query: StatusQuery): Promise<StatusPage>;
  /**
   * Records side effects that completed. Only ever sets flags, never clears them, so racing
   * callers cannot undo each other; `dispatch` is everything the caller knows to be done. Given
   * the token of the claim the caller holds, releases that claim in the same write (a claim held
   * by another is left alone).
   */
  markDispatched(
    id: string,
    dispatch: Pick<OrderDispatch, 'queued' | 'alerted'>,
    at: string,
    releaseClaim?: string,
  ): Promise<void>;
  /**
   * Takes the dispatch claim of an order not cancelled that still misses a side effect, when no
   * other caller holds it (or its claim expired before `now`): the order as it now is, or
   * undefined when the claim was not taken.
   */
  claimDispatch(id: string, claim: DispatchClaim, now: string): Promise<Order | undefined>;
  /** Applies a status change atomically; throws `OrderStatusConflictError` when the order is not in `from`. */
  transition(change: StatusChange): Promise<Order>;
  /** How many shards the pending orders are spread over; a sweep may read them in parallel. */
  readonly pendingShards: number;
  /**
   * Where the orders of one shard whose side effects have not all completed are, oldest first,
   * created before `createdBefore`, continuing after `after` when given.
   */
  listUndispatched(query: PendingQuery): Promise<PendingOrder[]>;
  /** Records that a sweep failed on a pending order: its failed attempts, and when to try again. */
  deferSweep(id: string, attempts: number, until: string): Promise<void>;
  /**
   * Where the open orders (RECEIVED or PROCESSING) of one shard created before `createdBefore`
   * are, oldest first, after the given position.
   */
  listOpen(query: OpenOrdersQuery): Promise<OrderPosition[]>;
  /** The dispatch state of each of these orders that exists, read consistently. */
  readDispatchStates(ids: readonly string[]): Promise<DispatchState[]>;
  /**
   * Gives an order the pending marker when it still misses a side effect, is not cancelled and
   * has no marker yet: true when it did, false when the order needed none (or is gone).
   */
  markPending(id: string): Promise<boolean>;
  /** Where the sweeper's scan of each shard of open orders has got to (absent: not begun). */
  openScanWatermarks(): Promise<ReadonlyMap<number, OrderPosition>>;
  /** Moves a shard's watermark forward to `position` (never back). */
  advanceOpenScan(shard: number, position: OrderPosition): Promise<void>;
}

/** The FIFO queue that hands orders to further processing. */
export interface OrderQueue {
  /** Sends the order; sending the same order again within the deduplication window is a no-op. */
  enqueue(order: Order): Promise<void>;
}

/** Tells the administrators about new orders. */
export interface OrderNotifier {
  /** One alert for one new order. */
  announce(order: Order): Promise<void>;
  /** One alert listing several new orders (at most `DIGEST_MAX_ORDERS`). */
  announceDigest(orders: readonly Order[]): Promise<void>;
}

export type Clock = () => Date;
