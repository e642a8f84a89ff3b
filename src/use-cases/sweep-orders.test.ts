import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readOrderSystemState } from '../reliability/audit.js';
import { orderRequest, placeWithRetries } from '../reliability/client.js';
import { type FaultSwitch, injectFaults } from '../testing/fault-injection.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { cancelOrder } from './cancel-order.js';
import type { OrderDependencies } from './dependencies.js';
import { sweepOrders } from './sweep-orders.js';

let sys: TestOrderSystem;
let sqsFaults: FaultSwitch;
let snsFaults: FaultSwitch;

beforeAll(async () => {
  sys = await createTestOrderSystem();
  sqsFaults = injectFaults(sys.clients.sqs);
  snsFaults = injectFaults(sys.clients.sns);
});

beforeEach(async () => {
  sqsFaults.calm();
  snsFaults.calm();
  // Every test starts with no pending order and empty queues.
  await sweepOrders(later(sys.deps, 3_600_000), { graceMs: 0 });
  await readOrderSystemState(sys.clients, sys.resources);
});

/** The same system seen from `ms` in the future. */
const later = (deps: OrderDependencies, ms: number): OrderDependencies => ({
  ...deps,
  clock: () => new Date(Date.now() + ms),
});

/**
 * A client that gives up after its first failure, leaving its order stored but not queued (or,
 * with `unsent: 'alert'`, queued but not announced).
 */
async function abandonedOrder(unsent: 'message' | 'alert' = 'message') {
  if (unsent === 'message') sqsFaults.fail('SendMessageCommand', 'server-error');
  else snsFaults.fail('PublishCommand', 'server-error');
  const request = orderRequest(`req-${randomUUID()}`, `c-${randomUUID()}`, randomUUID());
  const outcome = await placeWithRetries(sys.deps, request, { maxAttempts: 1, giveUp: true });
  expect(outcome.order).toBeUndefined();
  const [stored] = (await readOrderSystemState(sys.clients, sys.resources)).orders.filter(
    (o) => o.customerEmail === request.customerEmail,
  );
  const queued = unsent !== 'message';
  expect(stored).toMatchObject({ queued, alerted: !queued, pending: true });
  return stored?.id ?? '';
}

describe('sweepOrders', () => {
  it('completes an abandoned order exactly once when it runs twice after the grace period', async () => {
    // Prepare
    const id = await abandonedOrder();
    const deps = later(sys.deps, 61_000);

    // Act
    const first = await sweepOrders(deps, { graceMs: 60_000 });
    const second = await sweepOrders(deps, { graceMs: 60_000 });

    // Assess
    expect(first).toMatchObject({ found: 1, redispatched: 1, failed: 0 });
    expect(second).toMatchObject({ found: 0, redispatched: 0, failed: 0 });
    const state = await readOrderSystemState(sys.clients, sys.resources);
    expect(state.orders.find((o) => o.id === id)).toMatchObject({
      queued: true,
      alerted: true,
      pending: false,
    });
    expect(state.messages.get(id)).toBe(1);
    expect(state.alerts.get(id) ?? 0).toBe(0);
  });

  it('leaves an order alone when it is younger than the grace period', async () => {
    const id = await abandonedOrder();

    const summary = await sweepOrders(later(sys.deps, 59_000), { graceMs: 60_000 });

    expect(summary).toMatchObject({ found: 0, redispatched: 0 });
    const state = await readOrderSystemState(sys.clients, sys.resources);
    expect(state.orders.find((o) => o.id === id)?.pending).toBe(true);
    expect(state.messages.get(id)).toBeUndefined();
  });

  it('reports the failure and keeps the order pending when the queue still fails', async () => {
    const id = await abandonedOrder();
    sqsFaults.fail('SendMessageCommand', 'throttling', 10);

    const summary = await sweepOrders(later(sys.deps, 61_000));

    expect(summary).toMatchObject({ found: 1, redispatched: 0, failed: 1, failedOrderIds: [id] });
    const state = await readOrderSystemState(sys.clients, sys.resources);
    expect(state.orders.find((o) => o.id === id)?.pending).toBe(true);
    expect(state.messages.get(id)).toBeUndefined();
  });

  it('pages past failing orders and completes the rest when more are pending than one page', async () => {
    // Prepare: the two oldest orders keep failing, seven more are pending behind them.
    const ids: string[] = [];
    for (let i = 0; i < 9; i += 1) ids.push(await abandonedOrder());
    const deps = later(sys.deps, 61_000);
    let sends = 0;
    const failing = new Set(ids.slice(0, 2));
    const flakyDeps: OrderDependencies = {
      ...deps,
      queue: {
        enqueue: async (order) => {
          sends += 1;
          if (failing.has(order.id)) throw new Error('still unavailable');
          await deps.queue.enqueue(order);
        },
      },
    };

    // Act
    const summary = await sweepOrders(flakyDeps, { limit: 3, concurrency: 2 });

    // Assess
    expect(summary).toMatchObject({ found: 9, redispatched: 7, failed: 2 });
    expect([...summary.failedOrderIds].sort()).toEqual([...failing].sort());
    expect(summary.pages).toBeGreaterThan(1);
    expect(sends).toBe(9);
    const state = await readOrderSystemState(sys.clients, sys.resources);
    for (const id of ids.slice(2)) expect(state.messages.get(id)).toBe(1);
  });

  it('clears the pending marker without sending again when both side effects are already recorded', async () => {
    const id = await abandonedOrder();
    const at = new Date().toISOString();
    // Two partial dispatches racing: each records one flag, neither clears the marker.
    await sys.deps.store.markDispatched(id, { queued: true, alerted: false }, at);

    const summary = await sweepOrders(later(sys.deps, 61_000));

    expect(summary).toMatchObject({ found: 1, alreadyDispatched: 1, redispatched: 0 });
    const state = await readOrderSystemState(sys.clients, sys.resources);
    expect(state.orders.find((o) => o.id === id)?.pending).toBe(false);
    expect(state.messages.get(id)).toBeUndefined();
  });

  it('neither queues nor announces an order that was cancelled before its dispatch completed', async () => {
    // Prepare: its alert went out, its queue message did not.
    const id = await abandonedOrder();
    await cancelOrder(sys.deps, id);

    // Act
    const summary = await sweepOrders(later(sys.deps, 61_000));

    // Assess
    expect(summary).toMatchObject({ redispatched: 0, failed: 0 });
    const state = await readOrderSystemState(sys.clients, sys.resources);
    expect(state.orders.find((o) => o.id === id)).toMatchObject({
      status: 'CANCELLED',
      queued: false,
      pending: false,
    });
    expect(state.messages.get(id)).toBeUndefined();
    expect(state.alerts.get(id)).toBeUndefined();
  });

  it('announces an order whose alert failed once the consumer has taken it for processing', async () => {
    // Prepare: its queue message went out, its alert did not, and the consumer took it.
    const id = await abandonedOrder('alert');
    await sys.deps.store.transition({
      id,
      from: ['RECEIVED'],
      to: 'PROCESSING',
      at: new Date().toISOString(),
    });

    // Act
    const summary = await sweepOrders(later(sys.deps, 61_000));

    // Assess
    expect(summary).toMatchObject({ found: 1, redispatched: 1, skipped: 0 });
    const state = await readOrderSystemState(sys.clients, sys.resources);
    expect(state.orders.find((o) => o.id === id)).toMatchObject({
      status: 'PROCESSING',
      alerted: true,
      pending: false,
    });
    expect(state.alerts.get(id)).toBe(1);
    expect(state.messages.get(id)).toBeUndefined();
  });

  it('leaves an order alone while a live request holds its dispatch claim, and takes it over once the claim expires', async () => {
    // Prepare
    const id = await abandonedOrder();
    const now = new Date(Date.now() + 61_000);
    const held = await sys.deps.store.claimDispatch(
      id,
      { token: 'live-request', until: new Date(now.getTime() + 10_000).toISOString() },
      now.toISOString(),
    );
    expect(held?.dispatch.claim?.token).toBe('live-request');

    // Act
    const whileHeld = await sweepOrders(later(sys.deps, 61_000));
    const afterExpiry = await sweepOrders(later(sys.deps, 72_000));

    // Assess
    expect(whileHeld).toMatchObject({ found: 1, skipped: 1, redispatched: 0 });
    expect(afterExpiry).toMatchObject({ found: 1, redispatched: 1 });
    const state = await readOrderSystemState(sys.clients, sys.resources);
    // Its alert had gone out before (and was read by abandonedOrder): only the message is sent.
    expect(state.messages.get(id)).toBe(1);
    expect(state.alerts.get(id)).toBeUndefined();
  });

  it('reads no page and leaves every order for the next run when its time is nearly up', async () => {
    const id = await abandonedOrder();

    const summary = await sweepOrders(later(sys.deps, 61_000), { timeLeftMs: () => 4_000 });

    expect(summary).toMatchObject({ pages: 0, found: 0, outOfTime: true });
    const state = await readOrderSystemState(sys.clients, sys.resources);
    expect(state.orders.find((o) => o.id === id)?.pending).toBe(true);
  });
});
