import { isDispatched, newDispatchClaim } from '../domain/order.js';
import type { OrderPosition } from '../domain/ports.js';
import type { OrderDependencies } from './dependencies.js';
import { dispatchOrder } from './dispatch-order.js';

/** How a sweep chooses and handles pending orders. */
export interface SweepOptions {
  /**
   * Orders younger than this are left alone: their request may still be dispatching them. Keep
   * it longer than the API's request timeout.
   * @default 60_000
   */
  readonly graceMs?: number;
  /** Orders read per page of the pending-order index. @default 25 */
  readonly limit?: number;
  /** Most pages read in one sweep; the next sweep starts again from the oldest. @default 40 */
  readonly maxPages?: number;
  /** Orders dispatched at the same time. @default 4 */
  readonly concurrency?: number;
  /**
   * Time the run has left (a Lambda's `getRemainingTimeInMillis`): no page is read and no order
   * taken once it falls below `stopWhenLeftMs`; the next run goes on. @default unlimited
   */
  readonly timeLeftMs?: () => number;
  /** @default 5_000 */
  readonly stopWhenLeftMs?: number;
}

/** What one sweep did. */
export interface SweepSummary {
  /** Pending orders older than the grace period that this sweep looked at. */
  readonly found: number;
  /** Orders whose missing side effects this sweep completed. */
  readonly redispatched: number;
  /** Orders already complete whose pending marker was only cleared. */
  readonly alreadyDispatched: number;
  /**
   * Orders left alone: cancelled (never queued or announced), or being dispatched by a request
   * that holds their claim.
   */
  readonly skipped: number;
  /** Orders still pending after this sweep; a later sweep tries them again. */
  readonly failed: number;
  readonly failedOrderIds: readonly string[];
  /** Pages read from the pending-order index. */
  readonly pages: number;
  /** Whether the run stopped early because its time ran low. */
  readonly outOfTime: boolean;
}

export const SWEEP_DEFAULTS = {
  graceMs: 60_000,
  limit: 25,
  maxPages: 40,
  concurrency: 4,
  stopWhenLeftMs: 5_000,
} as const;

type Outcome = 'redispatched' | 'alreadyDispatched' | 'skipped' | 'gone' | 'failed';

async function sweepOne(deps: OrderDependencies, id: string, now: string): Promise<Outcome> {
  try {
    // The index is eventually consistent: decide on a consistent read of the order itself.
    const order = await deps.store.get(id);
    if (order === undefined) return 'gone';
    // Cancelled before its dispatch completed: neither queued nor announced.
    if (order.status === 'CANCELLED') return 'skipped';
    if (isDispatched(order.dispatch)) {
      // Two partial dispatches racing can each record one flag and leave the marker behind.
      await deps.store.markDispatched(id, order.dispatch, now);
      return 'alreadyDispatched';
    }
    const claimed = await deps.store.claimDispatch(id, newDispatchClaim(deps.clock()), now);
    if (claimed === undefined) return 'skipped';
    await dispatchOrder(deps, claimed);
    return 'redispatched';
  } catch {
    return 'failed';
  }
}

async function forEachBounded<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
  mayGoOn: () => boolean,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && mayGoOn()) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/**
 * Re-dispatches stored orders whose side effects never completed — the client gave up after a
 * retryable error, or the function died between writes. It reads the sparse pending-order index
 * (never the whole table), oldest first, and completes each order's missing queue message and
 * alert through {@link dispatchOrder}. One order failing never stops the sweep; it stays pending
 * and is counted in `failed`. Throws only when the index itself cannot be read.
 *
 * Duplicates it may cause, by design at-least-once: the FIFO queue drops a re-send of an order
 * within its five-minute deduplication window, but an order whose message was sent more than five
 * minutes ago while the write recording it was lost is sent again, and the consumer, being
 * idempotent, ignores the second copy. Likewise an alert whose publication was not recorded is
 * published again: SNS topics that e-mail cannot deduplicate.
 */
export async function sweepOrders(
  deps: OrderDependencies,
  options: SweepOptions = {},
): Promise<SweepSummary> {
  const { graceMs, limit, maxPages, concurrency, stopWhenLeftMs } = {
    ...SWEEP_DEFAULTS,
    ...options,
  };
  const { timeLeftMs } = options;
  let outOfTime = false;
  const mayGoOn = () => {
    outOfTime ||= timeLeftMs !== undefined && timeLeftMs() < stopWhenLeftMs;
    return !outOfTime;
  };
  const now = deps.clock();
  const createdBefore = new Date(now.getTime() - graceMs).toISOString();
  const outcomes = new Map<string, Outcome>();
  let after: OrderPosition | undefined;
  let pages = 0;
  while (pages < maxPages && mayGoOn()) {
    const page = await deps.store.listUndispatched(createdBefore, limit, after);
    pages += 1;
    await forEachBounded(
      page,
      concurrency,
      async (order) => {
        outcomes.set(order.id, await sweepOne(deps, order.id, now.toISOString()));
      },
      mayGoOn,
    );
    const last = page.at(-1);
    if (last === undefined || page.length < limit || outOfTime) break;
    after = { id: last.id, createdAt: last.createdAt };
  }
  const count = (outcome: Outcome) => [...outcomes.values()].filter((o) => o === outcome).length;
  const failedOrderIds = [...outcomes].filter(([, o]) => o === 'failed').map(([id]) => id);
  return {
    found: outcomes.size,
    redispatched: count('redispatched'),
    alreadyDispatched: count('alreadyDispatched'),
    skipped: count('skipped'),
    failed: failedOrderIds.length,
    failedOrderIds,
    pages,
    outOfTime,
  };
}
