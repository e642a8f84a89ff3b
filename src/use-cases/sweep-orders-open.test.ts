import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../domain/order.js';
import { recordCompletionOnly } from '../domain/order-processing.js';
import type { OrderStore } from '../domain/ports.js';
import { readOrderSystemState } from '../reliability/audit.js';
import { OLD_ENOUGH_TO_SWEEP_MS } from '../reliability/client.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { anOrder } from '../testing/orders.js';
import type { OrderDependencies } from './dependencies.js';
import { processOrder } from './process-order.js';
import { SWEEP_DEFAULTS, sweepOrders } from './sweep-orders.js';

let sys: TestOrderSystem;

beforeAll(async () => {
  sys = await createTestOrderSystem();
});

/**
 * Each test places its orders in its own hour, later than the previous test's: the scan's
 * watermarks only move forward.
 */
let hour = 0;
const nextHour = () => {
  hour += 1;
  return Date.UTC(2027, 0, 1, hour);
};
const settled = OLD_ENOUGH_TO_SWEEP_MS;
const at = (ms: number) => new Date(ms).toISOString();

/** The system seen at instant `ms`. */
const seenAt = (ms: number, deps: OrderDependencies = sys.deps): OrderDependencies => ({
  ...deps,
  clock: () => new Date(ms),
});

/**
 * An order whose request stored it — with its dispatch claim, as `placeOrder` does — and died
 * before sending anything or recording its dispatch: no pending marker, no record.
 */
async function diedAfterPut(createdAt: number, claimMs = 30_000): Promise<Order> {
  const order = anOrder({
    createdAt: at(createdAt),
    updatedAt: at(createdAt),
    dispatch: {
      queued: false,
      alerted: false,
      claim: { token: randomUUID(), until: at(createdAt + claimMs) },
    },
  });
  await sys.deps.store.create(order);
  expect((await sys.rawOrder(order.id))?.dispatchPending).toBeUndefined();
  return order;
}

describe('sweepOrders on open orders', () => {
  it('completes exactly once an order whose request died after the put, once it is older than the settle window', async () => {
    // Prepare
    const t = nextHour();
    const { id } = await diedAfterPut(t);
    await readOrderSystemState(sys.clients, sys.resources);

    // Act
    const early = await sweepOrders(seenAt(t + SWEEP_DEFAULTS.openSettleMs - 1_000));
    const first = await sweepOrders(seenAt(t + settled));
    const second = await sweepOrders(seenAt(t + settled + 60_000));

    // Assess
    expect(early).toMatchObject({ openMarked: 0, found: 0 });
    expect(first).toMatchObject({ openMarked: 1, found: 1, redispatched: 1, failed: 0 });
    expect(second).toMatchObject({ openScanned: 0, openMarked: 0, found: 0 });
    const state = await readOrderSystemState(sys.clients, sys.resources);
    expect(state.orders.find((o) => o.id === id)).toMatchObject({
      queued: true,
      alerted: true,
      pending: false,
    });
    expect(state.messages.get(id)).toBe(1);
    expect(state.alerts.get(id)).toBe(1);
  });

  it('resumes from its watermark after a run that ran out of time, looking at each order once', async () => {
    // Prepare: five died orders; the first run's time runs out after it marked two
    const t = nextHour();
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await diedAfterPut(t + i * 1_000)).id);
    await readOrderSystemState(sys.clients, sys.resources);
    let marks = 0;
    const store: OrderStore = Object.create(sys.deps.store);
    store.markPending = async (id) => {
      const marked = await sys.deps.store.markPending(id);
      if (marked) marks += 1;
      return marked;
    };
    const counted = { ...sys.deps, store };
    const options = { openPageSize: 1, shardConcurrency: 1, concurrency: 1 };

    // Act
    const first = await sweepOrders(seenAt(t + settled + 5_000, counted), {
      ...options,
      strandedAfterMs: 60_000,
      timeLeftMs: () => (marks >= 2 ? 0 : 60_000),
    });
    const second = await sweepOrders(seenAt(t + settled + 65_000, counted), options);
    const third = await sweepOrders(seenAt(t + settled + 125_000, counted), options);

    // Assess: the first run marked two and swept none; stranded: both, and one for the shard
    // whose scan stopped with entries maybe left behind
    expect(first).toMatchObject({ outOfTime: true, openMarked: 2, found: 0, stranded: 3 });
    expect(second).toMatchObject({ openMarked: 3, found: 5, redispatched: 5, failed: 0 });
    expect(first.openScanned + second.openScanned).toBe(5);
    expect(third).toMatchObject({ openScanned: 0, found: 0 });
    const state = await readOrderSystemState(sys.clients, sys.resources);
    for (const id of ids) {
      expect(state.messages.get(id)).toBe(1);
      expect(state.alerts.get(id)).toBe(1);
    }
  });

  it('does not take an order whose claim a live request still holds, and completes it once the claim lapsed', async () => {
    // Prepare: a replay took the claim late, and holds it past the settle window
    const t = nextHour();
    const { id } = await diedAfterPut(t, settled + 20_000);
    await readOrderSystemState(sys.clients, sys.resources);

    // Act
    const whileHeld = await sweepOrders(seenAt(t + settled));
    const held = await readOrderSystemState(sys.clients, sys.resources);
    const afterLapse = await sweepOrders(seenAt(t + settled + 21_000));

    // Assess
    expect(whileHeld).toMatchObject({ openMarked: 1, found: 1, skipped: 1, redispatched: 0 });
    expect(held.messages.get(id)).toBeUndefined();
    expect(held.alerts.get(id)).toBeUndefined();
    expect(afterLapse).toMatchObject({ openMarked: 0, found: 1, redispatched: 1 });
    const state = await readOrderSystemState(sys.clients, sys.resources);
    expect(state.messages.get(id)).toBe(1);
    expect(state.alerts.get(id)).toBe(1);
  });

  it("neither marks nor dispatches again a dispatched order waiting in the consumer's backlog", async () => {
    // Prepare: queued and announced, its dispatch recorded; the consumer has not taken it yet
    const t = nextHour();
    const order = await diedAfterPut(t);
    await sys.deps.store.markDispatched(order.id, { queued: true, alerted: true }, at(t + 100));
    await readOrderSystemState(sys.clients, sys.resources);

    // Act
    const first = await sweepOrders(seenAt(t + settled));
    const second = await sweepOrders(seenAt(t + settled + 60_000));

    // Assess
    expect(first.openScanned).toBeGreaterThanOrEqual(1);
    expect(first).toMatchObject({ openMarked: 0, found: 0, redispatched: 0 });
    expect(second).toMatchObject({ openScanned: 0 });
    const state = await readOrderSystemState(sys.clients, sys.resources);
    expect(state.orders.find((o) => o.id === order.id)).toMatchObject({
      status: 'RECEIVED',
      pending: false,
    });
    expect(state.messages.get(order.id)).toBeUndefined();
    expect(state.alerts.get(order.id)).toBeUndefined();
  });

  it('announces an order that the consumer finished although its dispatch was never recorded', async () => {
    // Prepare: its queue message went out, its request died before recording anything, and the
    // consumer completed it: it is no longer among the open orders
    const t = nextHour();
    const { id } = await diedAfterPut(t);
    const processed = await processOrder(
      { store: sys.deps.store, clock: sys.deps.clock, fulfilment: recordCompletionOnly },
      id,
    );
    expect(processed.outcome).toBe('completed');
    expect((await sys.rawOrder(id))?.dispatchPending).toBeDefined();
    await readOrderSystemState(sys.clients, sys.resources);

    // Act
    const summary = await sweepOrders(seenAt(t + settled));

    // Assess
    expect(summary).toMatchObject({ openMarked: 0, found: 1, redispatched: 1 });
    const state = await readOrderSystemState(sys.clients, sys.resources);
    expect(state.orders.find((o) => o.id === id)).toMatchObject({
      status: 'COMPLETED',
      alerted: true,
      pending: false,
    });
    expect(state.alerts.get(id)).toBe(1);
  });

  it('leaves the pending sweep half of the run when the open orders take long', async () => {
    // Prepare: three died orders, and one whose dispatch failed (marked); the run has 20 s left,
    // and only 10 s once the scan has read one page
    const t = nextHour();
    for (let i = 0; i < 3; i += 1) await diedAfterPut(t + i * 1_000);
    const failed = anOrder({ createdAt: at(t), updatedAt: at(t) });
    await sys.deps.store.create(failed);
    await readOrderSystemState(sys.clients, sys.resources);
    let left = 20_000;
    const store: OrderStore = Object.create(sys.deps.store);
    store.listOpen = async (query) => {
      left = 10_000;
      return sys.deps.store.listOpen(query);
    };

    // Act
    const summary = await sweepOrders(seenAt(t + settled, { ...sys.deps, store }), {
      openPageSize: 1,
      shardConcurrency: 1,
      timeLeftMs: () => left,
    });

    // Assess: the scan stopped at half the time, the pending sweep still ran
    expect(summary.openScanned).toBeLessThanOrEqual(1);
    expect(summary).toMatchObject({ outOfTime: false, redispatched: 1 + summary.openMarked });
    const state = await readOrderSystemState(sys.clients, sys.resources);
    expect(state.messages.get(failed.id)).toBe(1);
  });
});
