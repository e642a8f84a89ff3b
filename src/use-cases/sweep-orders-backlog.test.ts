import { beforeAll, describe, expect, it } from 'vitest';
import { isDispatched, type Order } from '../domain/order.js';
import type { OrderStore, PendingOrder } from '../domain/ports.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { anOrder } from '../testing/orders.js';
import { noOpenOrders } from '../testing/store-stubs.js';
import type { OrderDependencies } from './dependencies.js';
import { sweepOrders } from './sweep-orders.js';

const T0 = Date.UTC(2026, 0, 1);
const minutes = (n: number) => n * 60_000;

/** An in-memory store of pending orders over `shards` shards, recording the sweep's back-off. */
function pendingStore(orders: Order[], shards: number) {
  const byId = new Map(
    orders.map((o) => [o.id, { order: o, attempts: 0, after: undefined as string | undefined }]),
  );
  const shardOf = (id: string) => Number.parseInt(id.slice(-2), 16) % shards;
  const store: OrderStore = {
    pendingShards: shards,
    create: async () => {},
    get: async (id) => byId.get(id)?.order,
    listByCustomer: async () => [],
    listByStatus: async () => ({ orders: [] }),
    ...noOpenOrders,
    transition: async () => {
      throw new Error('not used');
    },
    async markDispatched(id, dispatch) {
      const entry = byId.get(id);
      if (entry)
        entry.order = {
          ...entry.order,
          dispatch: {
            queued: entry.order.dispatch.queued || dispatch.queued,
            alerted: entry.order.dispatch.alerted || dispatch.alerted,
          },
        };
    },
    async listUndispatched({ shard, createdBefore, limit, after }) {
      return [...byId.values()]
        .filter((e) => !isDispatched(e.order.dispatch) && shardOf(e.order.id) === shard)
        .filter((e) => e.order.createdAt < createdBefore)
        .sort((a, b) => a.order.createdAt.localeCompare(b.order.createdAt))
        .filter((e) => after === undefined || e.order.createdAt > after.createdAt)
        .slice(0, limit)
        .map(
          (e): PendingOrder => ({
            id: e.order.id,
            createdAt: e.order.createdAt,
            sweepAttempts: e.attempts,
            ...(e.after !== undefined && { sweepAfter: e.after }),
          }),
        );
    },
    claimDispatch: async (id) => byId.get(id)?.order,
    async deferSweep(id, attempts, until) {
      const entry = byId.get(id);
      if (entry) Object.assign(entry, { attempts, after: until });
    },
  };
  return {
    store,
    attempts: (id: string) => byId.get(id)?.attempts,
    pending: () => [...byId.values()].filter((e) => !isDispatched(e.order.dispatch)).length,
  };
}

describe('sweepOrders on a backlog', () => {
  it('backs off orders that keep failing so that newer ones are still dispatched, and counts the stranded', async () => {
    // Prepare: the 5 oldest orders can never be announced; 20 newer ones can
    const at = (i: number) => new Date(T0 + i * 1000).toISOString();
    const orders = Array.from({ length: 25 }, (_, i) => anOrder({ createdAt: at(i) }));
    const poisoned = new Set(orders.slice(0, 5).map((o) => o.id));
    const { store, attempts, pending } = pendingStore(orders, 1);
    const announced: string[] = [];
    const deps = (minute: number): OrderDependencies => ({
      store,
      queue: { enqueue: async () => {} },
      notifier: {
        announce: async (o) => {
          announced.push(o.id);
          if (poisoned.has(o.id)) throw new Error('rejected');
        },
        announceDigest: async () => {},
      },
      clock: () => new Date(T0 + minutes(minute)),
    });
    // five orders tried per run: without back-off, the five poisoned ones would take every slot
    const options = { limit: 5, maxPages: 1, backoffMs: minutes(5), strandedAfterMs: minutes(15) };

    // Act: five sweeps a minute apart
    const summaries = [];
    for (let minute = 2; minute <= 6; minute += 1)
      summaries.push(await sweepOrders(deps(minute), options));

    // Assess: every good order was dispatched although the poisoned ones are the oldest
    expect(pending()).toBe(5);
    expect(summaries[0]).toMatchObject({ failed: 5, redispatched: 0, deferred: 0, stranded: 0 });
    expect(summaries[1]).toMatchObject({ redispatched: 5, deferred: 5 });
    for (const id of poisoned) expect(announced.filter((a) => a === id)).toHaveLength(1);
    // five minutes after their failure they are tried again, then wait twice as long
    expect(await sweepOrders(deps(7), options)).toMatchObject({ failed: 5 });
    for (const id of poisoned) expect(attempts(id)).toBe(2);
    expect(await sweepOrders(deps(16), options)).toMatchObject({ deferred: 5, stranded: 5 });
  });
});

describe('sweepOrders against the emulators', () => {
  let sys: TestOrderSystem;
  beforeAll(async () => {
    sys = await createTestOrderSystem();
  });

  it('reads every shard of the pending index in one run, bounded by the pages allowed per shard', async () => {
    // Prepare: 48 stored orders whose queue message and alert never went out
    const orders = Array.from({ length: 48 }, () =>
      anOrder({ createdAt: new Date(T0).toISOString() }),
    );
    for (const order of orders) await sys.deps.store.create(order);
    const later = { ...sys.deps, clock: () => new Date(T0 + minutes(10)) };

    // Act: one page of two per shard, then a run without that bound
    const bounded = await sweepOrders(later, { limit: 2, maxPages: 1 });
    const rest = await sweepOrders(later, {});

    // Assess
    expect(bounded.pages).toBe(sys.deps.store.pendingShards);
    expect(bounded.found).toBeLessThanOrEqual(2 * sys.deps.store.pendingShards);
    expect(bounded.found).toBeGreaterThan(2 * 8);
    expect(bounded.redispatched + rest.redispatched).toBe(48);
    expect(rest.failed).toBe(0);
    const items = await sys.scanOrders();
    expect(items.filter((i) => i.dispatchPending !== undefined)).toHaveLength(0);
    expect((await sys.drain(sys.resources.queueUrl)).length).toBe(48);
  });
});
