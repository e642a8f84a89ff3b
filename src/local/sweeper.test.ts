import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readOrderSystemState } from '../reliability/audit.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { anOrder } from '../testing/orders.js';
import type { SweepSummary } from '../use-cases/sweep-orders.js';
import { startSweeper } from './sweeper.js';

let sys: TestOrderSystem;

beforeAll(async () => {
  sys = await createTestOrderSystem();
});

afterEach(() => {
  vi.useRealTimers();
});

/** An order stored two minutes ago whose request never dispatched it. */
async function strandedOrder(): Promise<string> {
  const order = anOrder({ createdAt: new Date(Date.now() - 120_000).toISOString() });
  await sys.deps.store.create(order);
  return order.id;
}

describe('local sweeper', () => {
  it('dispatches a stranded order once when run twice by hand', async () => {
    const id = await strandedOrder();
    const redispatched: SweepSummary[] = [];
    const sweeper = startSweeper({
      deps: sys.deps,
      intervalMs: 3_600_000,
      onRedispatched: (s) => redispatched.push(s),
    });

    const [first, second] = [await sweeper.runOnce(), await sweeper.runOnce()];
    await sweeper.stop();

    expect(first).toMatchObject({ redispatched: 1, failed: 0 });
    expect(second).toMatchObject({ found: 0 });
    expect(redispatched).toEqual([first]);
    expect((await readOrderSystemState(sys.clients, sys.resources)).messages.get(id)).toBe(1);
  });

  it('sweeps on its own when the interval elapses', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const id = await strandedOrder();
    let sweeper: ReturnType<typeof startSweeper> | undefined;
    const swept = new Promise<SweepSummary>((resolve) => {
      sweeper = startSweeper({ deps: sys.deps, intervalMs: 30_000, onRedispatched: resolve });
    });

    vi.advanceTimersByTime(30_000);
    const summary = await swept;
    await sweeper?.stop();

    expect(summary).toMatchObject({ redispatched: 1 });
    expect((await readOrderSystemState(sys.clients, sys.resources)).messages.get(id)).toBe(1);
  });
});
