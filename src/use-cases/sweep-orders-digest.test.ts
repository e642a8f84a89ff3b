import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readOrderSystemState } from '../reliability/audit.js';
import { orderRequest } from '../reliability/client.js';
import { readAlertInbox } from '../testing/alert-inbox.js';
import { type FaultSwitch, injectFaults } from '../testing/fault-injection.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import type { OrderDependencies } from './dependencies.js';
import { placeOrder } from './place-order.js';
import { sweepOrders } from './sweep-orders.js';

let sys: TestOrderSystem;
let digestMode: OrderDependencies;
let sqsFaults: FaultSwitch;
let snsFaults: FaultSwitch;

/** The system in digest mode, seen from `ms` in the future. */
const later = (ms: number): OrderDependencies => ({
  ...digestMode,
  clock: () => new Date(Date.now() + ms),
});
const sweep = () => sweepOrders(later(61_000), { graceMs: 60_000 });
const inbox = () => readAlertInbox(sys.clients.sqs, sys.resources.alertQueueUrl);

beforeAll(async () => {
  sys = await createTestOrderSystem();
  digestMode = { ...sys.deps, alerts: 'digest' };
  sqsFaults = injectFaults(sys.clients.sqs);
  snsFaults = injectFaults(sys.clients.sns);
});

beforeEach(async () => {
  sqsFaults.calm();
  snsFaults.calm();
  // Every test starts with no pending order, empty queues and an empty inbox.
  await sweepOrders(later(3_600_000), { graceMs: 0 });
  await readOrderSystemState(sys.clients, sys.resources);
});

async function placed(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const request = orderRequest(`digest-${randomUUID()}`, `c-${i % 2}`, randomUUID());
    ids.push((await placeOrder(digestMode, request)).order.id);
  }
  return ids;
}

describe('sweepOrders in digest mode', () => {
  it('lists every order placed since the last run once in one digest, and none the next run', async () => {
    // Prepare: four orders placed in digest mode, one of them already processed
    const ids = await placed(4);
    const [processed] = ids;
    const at = new Date().toISOString();
    await sys.deps.store.transition({
      id: processed ?? '',
      from: ['RECEIVED'],
      to: 'PROCESSING',
      at,
    });
    await sys.deps.store.transition({
      id: processed ?? '',
      from: ['PROCESSING'],
      to: 'COMPLETED',
      at,
    });
    const before = await readOrderSystemState(sys.clients, sys.resources);

    // Act
    const first = await sweep();
    const second = await sweep();

    // Assess: queued by their requests, announced by one digest alone
    for (const id of ids) expect(before.messages.get(id)).toBe(1);
    expect(before.alerts.size).toBe(0);
    expect(before.orders.filter((o) => ids.includes(o.id)).every((o) => o.pending)).toBe(true);
    expect(first.digest).toEqual({ digests: 1, announced: 4, failedOrderIds: [] });
    expect(second.digest).toBeUndefined();
    const { digests, single } = await inbox();
    expect(single).toEqual([]);
    expect(digests).toHaveLength(1);
    expect([...(digests[0] ?? [])].sort()).toEqual([...ids].sort());
    const after = await readOrderSystemState(sys.clients, sys.resources);
    expect(after.messages.size).toBe(0);
    for (const order of after.orders.filter((o) => ids.includes(o.id))) {
      expect(order).toMatchObject({ queued: true, alerted: true, pending: false });
    }
  });

  it('lists the orders of a digest that failed in the next run, none missing', async () => {
    const ids = await placed(3);
    snsFaults.fail('PublishCommand', 'server-error');

    const failed = await sweep();
    const retried = await sweep();

    expect(failed.digest).toMatchObject({ digests: 0, announced: 0 });
    expect([...(failed.digest?.failedOrderIds ?? [])].sort()).toEqual([...ids].sort());
    expect(retried.digest).toMatchObject({ digests: 1, announced: 3 });
    const { digests } = await inbox();
    expect(digests).toHaveLength(1);
    expect([...(digests[0] ?? [])].sort()).toEqual([...ids].sort());
  });

  it('lists the orders again after a digest whose answer was lost, then no more', async () => {
    const ids = await placed(2);
    snsFaults.fail('PublishCommand', 'lost-response');

    await sweep();
    await sweep();
    const third = await sweep();

    expect(third.digest).toBeUndefined();
    const { digests, perOrder } = await inbox();
    expect(digests).toHaveLength(2);
    for (const id of ids) expect(perOrder.get(id)).toBe(2);
  });

  it('lists an order whose queue message still fails, and queues it later without listing it again', async () => {
    // Prepare: the request's send fails, and so does the first sweep's
    sqsFaults.fail('SendMessageCommand', 'server-error', 2);
    const request = orderRequest(`digest-${randomUUID()}`, 'c-q', randomUUID());
    await expect(placeOrder(digestMode, request)).rejects.toThrow(/not yet fully dispatched/);
    const orderId =
      (await readOrderSystemState(sys.clients, sys.resources)).orders.find(
        (o) => o.customerEmail === request.customerEmail,
      )?.id ?? '';

    const first = await sweep();
    sqsFaults.calm();
    // The failed send backs the order off for five minutes.
    const second = await sweepOrders(later(61_000 + 301_000), { graceMs: 60_000 });

    expect(first).toMatchObject({ failed: 1, digest: { digests: 1, announced: 1 } });
    expect(second).toMatchObject({ redispatched: 1, failed: 0 });
    expect(second.digest).toBeUndefined();
    expect((await inbox()).perOrder.get(orderId)).toBe(1);
    const state = await readOrderSystemState(sys.clients, sys.resources);
    expect(state.messages.get(orderId)).toBe(1);
    expect(state.orders.find((o) => o.id === orderId)).toMatchObject({
      queued: true,
      alerted: true,
      pending: false,
    });
  });

  it('leaves out an order cancelled before its digest', async () => {
    const [kept = '', cancelled = ''] = await placed(2);
    await sys.deps.store.transition({
      id: cancelled,
      from: ['RECEIVED'],
      to: 'CANCELLED',
      at: new Date().toISOString(),
      set: { cancelledAt: new Date().toISOString() },
    });

    await sweep();

    expect((await inbox()).digests).toEqual([[kept]]);
  });
});
