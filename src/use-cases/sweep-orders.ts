import { isDispatched, newDispatchClaim, type Order } from '../domain/order.js';
import type { OrderPosition, PendingOrder } from '../domain/ports.js';
import type { OrderDependencies } from './dependencies.js';
import { dispatchOrder } from './dispatch-order.js';
import { forEachBounded } from './for-each-bounded.js';
import { scanOpenOrders } from './scan-open-orders.js';
import { type DigestSummary, sendAlertDigest } from './send-alert-digest.js';

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
  /**
   * Most pages read from each shard of the index in one sweep; the next sweep starts again from
   * the oldest. @default 10
   */
  readonly maxPages?: number;
  /** Orders of one shard dispatched at the same time. @default 4 */
  readonly concurrency?: number;
  /** Shards swept at the same time. @default 4 */
  readonly shardConcurrency?: number;
  /**
   * Wait before a sweep tries an order again after one failed on it; doubled with each further
   * failure, up to `maxBackoffMs`. Orders that keep failing thus take no time from the others.
   * @default 300_000
   */
  readonly backoffMs?: number;
  /** @default 3_600_000 */
  readonly maxBackoffMs?: number;
  /** A pending order older than this counts as stranded (and raises an alarm). @default 900_000 */
  readonly strandedAfterMs?: number;
  /**
   * Time the run has left (a Lambda's `getRemainingTimeInMillis`): no page is read and no order
   * taken once it falls below `stopWhenLeftMs`; the next run goes on. @default unlimited
   */
  readonly timeLeftMs?: () => number;
  /** @default 5_000 */
  readonly stopWhenLeftMs?: number;
  /**
   * Open orders (RECEIVED, PROCESSING) older than this are scanned for ones whose request died
   * before it recorded their dispatch. Keep it longer than a dispatch claim's lease plus the
   * API's request deadline, the index's propagation and any clock skew: the scan's watermark
   * passes every order older than this, once.
   * @default 90_000
   */
  readonly openSettleMs?: number;
  /** Open-order entries read per page of a shard. @default 100 */
  readonly openPageSize?: number;
  /**
   * Most pages of open orders read from each shard in one sweep; a scan left behind by more than
   * `strandedAfterMs` counts one stranded order per shard. @default 100
   */
  readonly openMaxPages?: number;
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
  /** Orders left alone this time because a recent sweep failed on them. */
  readonly deferred: number;
  /**
   * Orders still pending after this sweep that are older than `strandedAfterMs` (those the
   * open-order scan found included), plus one per shard whose open-order scan is behind by more.
   */
  readonly stranded: number;
  /** Pages read from the pending-order index, over all shards. */
  readonly pages: number;
  /** Whether the run stopped early because its time ran low. */
  readonly outOfTime: boolean;
  /** In digest mode, the digest this run sent of the orders found unannounced. */
  readonly digest?: DigestSummary;
  /** Open orders older than the settle window this sweep looked at. */
  readonly openScanned: number;
  /**
   * Of those, the orders found undispatched without a pending marker (their request died
   * before recording the dispatch) and marked for the pending sweep.
   */
  readonly openMarked: number;
  /** Shards of open orders whose scan failed this time (the next run resumes them). */
  readonly openScanFailedShards: number;
}

export const SWEEP_DEFAULTS = {
  graceMs: 60_000,
  limit: 25,
  maxPages: 10,
  concurrency: 4,
  shardConcurrency: 4,
  backoffMs: 300_000,
  maxBackoffMs: 3_600_000,
  strandedAfterMs: 900_000,
  stopWhenLeftMs: 5_000,
  openSettleMs: 90_000,
  openPageSize: 100,
  openMaxPages: 100,
} as const;

/** Index pages a shard may read per page of orders tried, to get past orders backing off. */
const READS_PER_PAGE_OF_TRIES = 4;

type Outcome =
  | 'redispatched'
  | 'alreadyDispatched'
  | 'listed'
  | 'skipped'
  | 'gone'
  | 'failed'
  | 'deferred';

/**
 * Sweeps one pending order. In digest mode an order whose alert is missing is handed to
 * `toAnnounce` (as last seen) whatever becomes of its queue message, for the run's digest.
 */
async function sweepOne(
  deps: OrderDependencies,
  id: string,
  now: string,
  toAnnounce: Map<string, Order>,
): Promise<Outcome> {
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
    const listed = deps.alerts === 'digest' && !order.dispatch.alerted;
    if (listed) {
      toAnnounce.set(id, order);
      // Queued already: only the digest is missing, and the order may have moved on since.
      if (order.dispatch.queued) return 'listed';
    }
    const claimed = await deps.store.claimDispatch(id, newDispatchClaim(deps.clock()), now);
    if (claimed === undefined) return 'skipped';
    const dispatched = await dispatchOrder(deps, claimed);
    if (listed) toAnnounce.set(id, dispatched);
    return 'redispatched';
  } catch {
    return 'failed';
  }
}

/**
 * Re-dispatches stored orders whose side effects never completed — the client gave up after a
 * retryable error, or the function died between writes. It first scans the open orders for
 * ones whose request died before recording anything and marks them pending
 * ({@link scanOpenOrders}); then it reads the sparse pending-order index (never the whole
 * table), shard by shard in parallel, each oldest first and bounded by `maxPages`, and completes
 * each order's missing queue message and alert through {@link dispatchOrder}. One order failing
 * never stops the sweep; it stays pending and is counted in `failed`. Throws only when the
 * pending-order index itself cannot be read (a failed scan of open orders is counted instead).
 *
 * In digest mode (`deps.alerts`) it sends no single alert: it completes missing queue messages
 * as usual, and at the end of the run publishes the orders it found unannounced in digests
 * through {@link sendAlertDigest}, which records them as alerted once published.
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
  const settings = { ...SWEEP_DEFAULTS, ...options };
  const { graceMs, limit, maxPages, concurrency, shardConcurrency, stopWhenLeftMs } = settings;
  const { timeLeftMs } = options;
  let outOfTime = false;
  const mayGoOn = () => {
    outOfTime ||= timeLeftMs !== undefined && timeLeftMs() < stopWhenLeftMs;
    return !outOfTime;
  };
  const now = deps.clock();
  const createdBefore = new Date(now.getTime() - graceMs).toISOString();
  const strandedBefore = new Date(now.getTime() - settings.strandedAfterMs).toISOString();
  const outcomes = new Map<string, Outcome>();
  const toAnnounce = new Map<string, Order>();
  let stranded = 0;
  let pages = 0;
  const nowIso = now.toISOString();
  const isDue = (p: PendingOrder) => p.sweepAfter === undefined || p.sweepAfter <= nowIso;
  /** Tries an order that is due; a failure backs it off. */
  const sweepPending = async (pending: PendingOrder): Promise<Outcome> => {
    const outcome = await sweepOne(deps, pending.id, nowIso, toAnnounce);
    if (outcome !== 'failed') return outcome;
    const attempts = pending.sweepAttempts + 1;
    const wait = Math.min(settings.backoffMs * 2 ** (attempts - 1), settings.maxBackoffMs);
    await deps.store
      .deferSweep(pending.id, attempts, new Date(now.getTime() + wait).toISOString())
      .catch(() => undefined);
    return 'failed';
  };
  // A shard's budget is counted in orders tried: orders left alone while they back off cost a
  // read, not a try, so a run goes past them to newer orders (up to a bounded number of reads).
  const budget = limit * maxPages;
  const sweepShard = async (shard: number) => {
    let after: OrderPosition | undefined;
    let tried = 0;
    for (
      let read = 0;
      read < maxPages * READS_PER_PAGE_OF_TRIES && tried < budget && mayGoOn();
      read += 1
    ) {
      const page = await deps.store.listUndispatched({ shard, createdBefore, limit, after });
      pages += 1;
      const due = page.filter(isDue);
      const work = due.slice(0, budget - tried);
      tried += work.length;
      for (const p of page.filter((p) => !isDue(p))) {
        outcomes.set(p.id, 'deferred');
        if (p.createdAt < strandedBefore) stranded += 1;
      }
      await forEachBounded(
        work,
        concurrency,
        async (pending) => {
          const outcome = await sweepPending(pending);
          outcomes.set(pending.id, outcome);
          if (outcome === 'failed' && pending.createdAt < strandedBefore) stranded += 1;
        },
        mayGoOn,
      );
      after = work.length < due.length ? work.at(-1) : page.at(-1);
      if (after === undefined || page.length < limit || outOfTime) break;
    }
  };
  // First the open orders, so that those it marks are swept in the same run; the scan may take
  // half of the run's time at most, the pending orders need the rest.
  const scanUntilLeft = timeLeftMs === undefined ? 0 : (timeLeftMs() + stopWhenLeftMs) / 2;
  const open = await scanOpenOrders(deps, {
    settleMs: settings.openSettleMs,
    pageSize: settings.openPageSize,
    maxPages: settings.openMaxPages,
    shardConcurrency,
    concurrency,
    mayGoOn: () => mayGoOn() && (timeLeftMs === undefined || timeLeftMs() > scanUntilLeft),
  }).catch(() => ({
    scanned: 0,
    marked: [],
    unmarked: [],
    failedShards: deps.store.pendingShards,
    behind: [],
  }));
  const shards = Array.from({ length: deps.store.pendingShards }, (_, shard) => shard);
  await forEachBounded(shards, shardConcurrency, sweepShard, mayGoOn);
  // Found among the open orders but not swept yet (the index had not shown the marker, or time
  // ran out), or not even marked: still pending.
  for (const position of [...open.marked, ...open.unmarked]) {
    if (!outcomes.has(position.id) && position.createdAt < strandedBefore) stranded += 1;
  }
  // A shard whose scan is behind by more than the stranded age may hide stranded orders: one
  // each, so that the alarm sees it.
  stranded += open.behind.filter((p) => p.createdAt < strandedBefore).length;
  // Sent even when time ran low: the orders found are listed, the rest wait for the next run.
  const digest =
    toAnnounce.size > 0 ? await sendAlertDigest(deps, [...toAnnounce.values()]) : undefined;
  for (const id of digest?.failedOrderIds ?? []) {
    if ((toAnnounce.get(id)?.createdAt ?? '') < strandedBefore && outcomes.get(id) !== 'failed')
      stranded += 1;
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
    deferred: count('deferred'),
    stranded,
    pages,
    outOfTime,
    ...(digest && { digest }),
    openScanned: open.scanned,
    openMarked: open.marked.length,
    openScanFailedShards: open.failedShards,
  };
}
