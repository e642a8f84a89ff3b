import type { OrderDependencies } from '../use-cases/dependencies.js';
import { SWEEP_DEFAULTS, type SweepSummary, sweepOrders } from '../use-cases/sweep-orders.js';

export interface LocalSweeperOptions {
  readonly deps: OrderDependencies;
  /** Time between sweeps. @default 30_000 */
  readonly intervalMs?: number;
  /** Orders younger than this are left to their request. @default 60_000 */
  readonly graceMs?: number;
  /** Called after a sweep that completed at least one order. */
  readonly onRedispatched?: (summary: SweepSummary) => void;
  /** Called when a sweep could not read the pending orders. @default console.error */
  readonly onError?: (error: unknown) => void;
}

export interface LocalSweeper {
  /** Sweeps now, waiting for a sweep already running instead of starting a second one. */
  runOnce(): Promise<SweepSummary>;
  /** Stops the timer and waits for a running sweep to finish. */
  stop(): Promise<void>;
}

/**
 * Runs the order sweeper on a timer, as the scheduled Lambda does in AWS. Sweeps never overlap,
 * and the timer does not keep the process alive.
 */
export function startSweeper({
  deps,
  intervalMs = 30_000,
  graceMs = SWEEP_DEFAULTS.graceMs,
  onRedispatched,
  onError = (error) => console.error('Sweeping pending orders failed', error),
}: LocalSweeperOptions): LocalSweeper {
  let running: Promise<SweepSummary> | undefined;
  const runOnce = () => {
    running ??= sweepOrders(deps, { graceMs })
      .then((summary) => {
        if (summary.redispatched > 0) onRedispatched?.(summary);
        return summary;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => {
    runOnce().catch(onError);
  }, intervalMs);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
