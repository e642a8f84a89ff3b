import { isDispatched } from '../domain/order.js';
import type { DispatchState, OrderPosition } from '../domain/ports.js';
import type { OrderDependencies } from './dependencies.js';
import { forEachBounded } from './for-each-bounded.js';

/** How the sweeper scans the open orders for ones whose request died before recording them. */
export interface OpenScanSettings {
  /** Entries of a shard older than this many ms are looked at; younger ones wait. */
  readonly settleMs: number;
  /** Entries read per page of a shard (one BatchGetItem of their orders). */
  readonly pageSize: number;
  /** Most pages of one shard per run; the next run resumes after the last. */
  readonly maxPages: number;
  /** Shards scanned at the same time. */
  readonly shardConcurrency: number;
  /** Orders of one page marked at the same time. */
  readonly concurrency: number;
  /** False once the run's time is short: no page is started. */
  readonly mayGoOn: () => boolean;
}

/** What one scan of the open orders did. */
export interface OpenScanSummary {
  /** Open orders older than the settle window looked at. */
  readonly scanned: number;
  /** Of those, the orders found undispatched without a marker, and marked (oldest first). */
  readonly marked: readonly OrderPosition[];
  /** Orders that could not be marked; the shard's watermark stays before the first of them. */
  readonly unmarked: readonly OrderPosition[];
  /** Shards whose scan stopped on a failed read or checkpoint write; the next run resumes them. */
  readonly failedShards: number;
  /**
   * Where each shard whose scan stopped with entries left (its page budget or time ran out)
   * stopped: orders beyond have not been looked at yet.
   */
  readonly behind: readonly OrderPosition[];
}

/** An open order still missing a side effect that nothing will find unless it is marked. */
const needsMarker = (state: DispatchState | undefined): state is DispatchState =>
  state !== undefined &&
  (state.status === 'RECEIVED' || state.status === 'PROCESSING') &&
  !state.pending &&
  !isDispatched(state.dispatch);

/**
 * Finds the orders whose request died (or whose dispatch record was lost) between the put and
 * the dispatch record: on the common path an order carries no pending marker, only its
 * request's claim, so such an order is found among the open orders (RECEIVED or PROCESSING)
 * instead, once it is older than the settle window — longer than any request, a claim's lease
 * and the index's propagation, so that every order that will ever be there is there. Each shard
 * is read oldest first from its watermark, so an order is looked at once even when the consumer
 * has a backlog of millions; its orders are read by key, consistently, and each one that misses
 * a side effect and carries no marker gets one — the pending sweep then takes it as any other
 * (or leaves it while a live claim holds it). The watermark moves only past orders fully
 * handled: a run that runs out of time, or fails to mark one, resumes there.
 */
export async function scanOpenOrders(
  deps: Pick<OrderDependencies, 'store' | 'clock'>,
  settings: OpenScanSettings,
): Promise<OpenScanSummary> {
  const { store } = deps;
  const { pageSize, mayGoOn } = settings;
  const createdBefore = new Date(deps.clock().getTime() - settings.settleMs).toISOString();
  const watermarks = await store.openScanWatermarks();
  let scanned = 0;
  const marked: OrderPosition[] = [];
  const unmarked: OrderPosition[] = [];
  let failedShards = 0;
  const behind: OrderPosition[] = [];
  const scanShard = async (shard: number) => {
    try {
      await scanFrom(shard, watermarks.get(shard));
    } catch {
      failedShards += 1;
    }
  };
  const scanFrom = async (shard: number, from: OrderPosition | undefined) => {
    let after = from;
    let read = false;
    for (let page = 0; page < settings.maxPages && mayGoOn(); page += 1) {
      const positions = await store.listOpen({
        shard,
        createdBefore,
        limit: pageSize,
        ...(after && { after }),
      });
      if (positions.length === 0) return;
      const states = new Map(
        (await store.readDispatchStates(positions.map((p) => p.id))).map((s) => [s.id, s]),
      );
      const failed = new Set<string>();
      const candidates = positions.filter((p) => needsMarker(states.get(p.id)));
      await forEachBounded(candidates, settings.concurrency, async (position) => {
        try {
          // False: it needed no marker after all (dispatched, cancelled or marked meanwhile).
          if (await store.markPending(position.id)) marked.push(position);
        } catch {
          failed.add(position.id);
          unmarked.push(position);
        }
      });
      scanned += positions.length;
      const firstFailed = positions.findIndex((p) => failed.has(p.id));
      const handled = firstFailed === -1 ? positions : positions.slice(0, firstFailed);
      const last = handled.at(-1);
      if (last !== undefined) {
        await store.advanceOpenScan(shard, last);
        after = last;
      }
      if (firstFailed !== -1 || positions.length < pageSize) return;
      read = true;
    }
    // Stopped after a full page: entries are left (none known when no page was read).
    if (read && after !== undefined) behind.push(after);
  };
  const shards = Array.from({ length: store.pendingShards }, (_, shard) => shard);
  await forEachBounded(shards, settings.shardConcurrency, scanShard, mayGoOn);
  marked.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return { scanned, marked, unmarked, failedShards, behind };
}
