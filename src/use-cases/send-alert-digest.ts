import type { Order } from '../domain/order.js';
import { DIGEST_MAX_ORDERS } from '../domain/order-message.js';
import type { OrderDependencies } from './dependencies.js';
import { forEachBounded } from './for-each-bounded.js';

/** What one digest pass did. */
export interface DigestSummary {
  /** Digests published. */
  readonly digests: number;
  /** Orders listed in a published digest and recorded as announced. */
  readonly announced: number;
  /**
   * Orders not recorded as announced — their digest was not published, or the write recording
   * it failed: they stay pending, and the next pass lists them again.
   */
  readonly failedOrderIds: readonly string[];
}

/** Orders whose announcement is recorded at the same time. */
const RECORD_CONCURRENCY = 8;

/**
 * Announces new orders in digests — one alert listing up to `DIGEST_MAX_ORDERS` orders, oldest
 * first — and records each listed order as alerted once its digest is published. Nothing is
 * recorded before the publish, so an order is never marked announced without having been
 * listed: a digest that fails leaves its orders pending for the next pass, and one whose answer
 * was lost (or whose records failed) lists them again, at least once like single alerts.
 * Callers must pass orders that are stored and not yet alerted, each once.
 */
export async function sendAlertDigest(
  deps: OrderDependencies,
  orders: readonly Order[],
  /** @default DIGEST_MAX_ORDERS */
  maxPerDigest: number = DIGEST_MAX_ORDERS,
): Promise<DigestSummary> {
  const sorted = [...orders].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
  );
  const failed: string[] = [];
  let digests = 0;
  const size = Math.min(Math.max(1, maxPerDigest), DIGEST_MAX_ORDERS);
  for (let start = 0; start < sorted.length; start += size) {
    const chunk = sorted.slice(start, start + size);
    try {
      await deps.notifier.announceDigest(chunk);
    } catch {
      failed.push(...chunk.map((o) => o.id));
      continue;
    }
    digests += 1;
    const at = deps.clock().toISOString();
    await forEachBounded(chunk, RECORD_CONCURRENCY, async (order) => {
      try {
        await deps.store.markDispatched(
          order.id,
          { queued: order.dispatch.queued, alerted: true },
          at,
        );
      } catch {
        failed.push(order.id);
      }
    });
  }
  return { digests, announced: sorted.length - failed.length, failedOrderIds: failed };
}
