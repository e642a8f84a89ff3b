import type { OrderStore } from '../domain/ports.js';
import { forEachBounded } from '../use-cases/for-each-bounded.js';
import type { Deliver } from './delivery.js';
import type { SubscriptionRecord, SubscriptionRegistry } from './ports.js';

export interface ReconcileSummary {
  /** `orderUpdated` subscriptions looked at. */
  readonly checked: number;
  /** States sent that a publish had missed. */
  readonly caughtUp: number;
  readonly failed: number;
  /** Whether subscriptions were left for a later run (more than one run may look at). */
  readonly truncated: boolean;
}

export interface ReconcileDependencies {
  readonly registry: SubscriptionRegistry;
  readonly store: Pick<OrderStore, 'get'>;
  readonly deliver: Deliver;
}

export interface ReconcileOptions {
  /** Most subscriptions one run reads. @default 2_000 */
  readonly maxPerRun?: number;
  /** Orders caught up at once. @default 16 */
  readonly concurrency?: number;
  /**
   * The shard the run reads first; the others follow in turn, so that when a run stops at
   * `maxPerRun` the shards it did not reach come first in later runs. @default one more each minute
   */
  readonly firstShard?: number;
  /** Whether to start on another order (false once the invocation's time runs low). @default always */
  readonly mayGoOn?: () => boolean;
}

const orderIdOf = (subscription: SubscriptionRecord) => subscription.topic.slice('order#'.length);

/**
 * Sends every `orderUpdated` subscriber the current state of its order when it differs from the
 * last state sent: the safety net for a change stored by a function that stopped (or whose
 * publish failed) before it reached the subscriber. Run on a schedule, it bounds how long a
 * subscriber can miss a final status to the interval plus one run. It reads only `orderUpdated`
 * subscriptions (a sparse index, shard by shard), at most `maxPerRun`, and reads each order once.
 */
export async function reconcileSubscriptions(
  deps: ReconcileDependencies,
  options: ReconcileOptions = {},
): Promise<ReconcileSummary> {
  const maxPerRun = options.maxPerRun ?? 2_000;
  const shards = deps.registry.reconcileShards;
  const first = options.firstShard ?? Math.floor(Date.now() / 60_000);
  const subscriptions: SubscriptionRecord[] = [];
  let truncated = false;
  for (let i = 0; i < shards; i++) {
    const room = maxPerRun - subscriptions.length;
    if (room <= 0) {
      truncated = true;
      break;
    }
    // One more than there is room for tells whether the shard was read to its end.
    const page = await deps.registry.orderSubscriptions((first + i) % shards, room + 1);
    if (page.length > room) truncated = true;
    subscriptions.push(...page.slice(0, room));
  }
  const byOrder = new Map<string, SubscriptionRecord[]>();
  for (const s of subscriptions)
    byOrder.set(orderIdOf(s), [...(byOrder.get(orderIdOf(s)) ?? []), s]);
  let checked = 0;
  let caughtUp = 0;
  let failed = 0;
  await forEachBounded(
    [...byOrder],
    options.concurrency ?? 16,
    async ([orderId, watching]) => {
      checked += watching.length;
      let order: Awaited<ReturnType<typeof deps.store.get>>;
      try {
        order = await deps.store.get(orderId);
      } catch {
        failed += watching.length;
        return;
      }
      if (order === undefined) return;
      const current = order;
      await Promise.all(
        watching
          .filter((s) => s.sentUpdatedAt === undefined || current.updatedAt > s.sentUpdatedAt)
          .map(async (subscription) => {
            try {
              const outcome = await deps.deliver(subscription, current);
              if (outcome === 'sent' || outcome === 'completed') caughtUp += 1;
            } catch {
              failed += 1;
            }
          }),
      );
    },
    options.mayGoOn,
  );
  return { checked, caughtUp, failed, truncated: truncated || checked < subscriptions.length };
}
