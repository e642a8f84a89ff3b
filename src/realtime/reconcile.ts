import type { OrderStore } from '../domain/ports.js';
import type { Deliver } from './delivery.js';
import type { SubscriptionRegistry } from './ports.js';

export interface ReconcileSummary {
  /** `orderUpdated` subscriptions looked at. */
  readonly checked: number;
  /** States sent that a publish had missed. */
  readonly caughtUp: number;
  readonly failed: number;
}

export interface ReconcileDependencies {
  readonly registry: SubscriptionRegistry;
  readonly store: Pick<OrderStore, 'get'>;
  readonly deliver: Deliver;
}

/**
 * Sends every `orderUpdated` subscriber the current state of its order when it differs from the
 * last state sent: the safety net for a change stored by a function that stopped (or whose
 * publish failed) before it reached the subscriber. Run on a schedule, it bounds how long a
 * subscriber can miss a final status to the interval plus one run.
 */
export async function reconcileSubscriptions(
  deps: ReconcileDependencies,
): Promise<ReconcileSummary> {
  const subscriptions = await deps.registry.orderSubscriptions();
  let caughtUp = 0;
  let failed = 0;
  await Promise.all(
    subscriptions.map(async (subscription) => {
      try {
        const order = await deps.store.get(subscription.topic.slice('order#'.length));
        if (order === undefined) return;
        if (
          subscription.sentUpdatedAt !== undefined &&
          order.updatedAt <= subscription.sentUpdatedAt
        )
          return;
        const outcome = await deps.deliver(subscription, order);
        if (outcome === 'sent' || outcome === 'completed') caughtUp += 1;
      } catch {
        failed += 1;
      }
    }),
  );
  return { checked: subscriptions.length, caughtUp, failed };
}
