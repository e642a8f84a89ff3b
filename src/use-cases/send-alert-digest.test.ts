import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Order } from '../domain/order.js';
import { readAlertInbox } from '../testing/alert-inbox.js';
import { type FaultSwitch, injectFaults } from '../testing/fault-injection.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { anOrder } from '../testing/orders.js';
import { sendAlertDigest } from './send-alert-digest.js';

let sys: TestOrderSystem;
let snsFaults: FaultSwitch;
let dynamoFaults: FaultSwitch;

beforeAll(async () => {
  sys = await createTestOrderSystem();
  snsFaults = injectFaults(sys.clients.sns);
  dynamoFaults = injectFaults(sys.clients.dynamo);
});

beforeEach(async () => {
  snsFaults.calm();
  dynamoFaults.calm();
  await readAlertInbox(sys.clients.sqs, sys.resources.alertQueueUrl);
});

/** Stored orders, queued but not yet announced, as digest mode leaves them. */
async function storedOrders(count: number): Promise<Order[]> {
  const orders = Array.from({ length: count }, (_, i) =>
    anOrder({
      createdAt: new Date(Date.UTC(2026, 10, 1, 10, 0, 0, i)).toISOString(),
      dispatch: { queued: true, alerted: false },
    }),
  );
  for (const order of orders) await sys.deps.store.create(order);
  return orders;
}

const inbox = () => readAlertInbox(sys.clients.sqs, sys.resources.alertQueueUrl);
const alerted = async (orders: readonly Order[]) =>
  Promise.all(orders.map(async (o) => (await sys.deps.store.get(o.id))?.dispatch.alerted));

describe('sendAlertDigest', () => {
  it('lists every order once in one digest, oldest first, and records each as alerted', async () => {
    const orders = await storedOrders(5);

    const summary = await sendAlertDigest(sys.deps, [...orders].reverse());

    expect(summary).toEqual({ digests: 1, announced: 5, failedOrderIds: [] });
    const { digests, single } = await inbox();
    expect(single).toEqual([]);
    expect(digests).toEqual([orders.map((o) => o.id)]);
    expect(await alerted(orders)).toEqual([true, true, true, true, true]);
  });

  it('splits more orders than a digest holds over digests, none missing and none twice', async () => {
    const orders = await storedOrders(5);

    const summary = await sendAlertDigest(sys.deps, orders, 2);

    expect(summary).toMatchObject({ digests: 3, announced: orders.length });
    const { digests, perOrder } = await inbox();
    expect(digests.map((d) => d.length)).toEqual([2, 2, 1]);
    expect(perOrder.size).toBe(orders.length);
    expect([...perOrder.values()].every((n) => n === 1)).toBe(true);
  });

  it('records nothing when the publish fails, so the orders are listed by the next digest', async () => {
    const orders = await storedOrders(3);
    snsFaults.fail('PublishCommand', 'server-error');

    const failed = await sendAlertDigest(sys.deps, orders);

    expect(failed).toEqual({ digests: 0, announced: 0, failedOrderIds: orders.map((o) => o.id) });
    expect((await inbox()).digests).toEqual([]);
    expect(await alerted(orders)).toEqual([false, false, false]);
  });

  it('lists the orders again when the digest went out but its answer was lost', async () => {
    const orders = await storedOrders(2);
    snsFaults.fail('PublishCommand', 'lost-response');

    const lost = await sendAlertDigest(sys.deps, orders);
    const retry = await sendAlertDigest(sys.deps, orders);

    expect(lost.announced).toBe(0);
    expect(retry.announced).toBe(2);
    // At least once: the admin sees the two orders in two digests, never in none.
    expect((await inbox()).digests).toEqual([orders.map((o) => o.id), orders.map((o) => o.id)]);
    expect(await alerted(orders)).toEqual([true, true]);
  });

  it('reports only the order whose record failed, which stays unannounced', async () => {
    const orders = await storedOrders(3);
    dynamoFaults.fail('UpdateItemCommand', 'server-error');

    const summary = await sendAlertDigest(sys.deps, orders);

    expect(summary.digests).toBe(1);
    expect(summary.announced).toBe(2);
    expect(summary.failedOrderIds).toHaveLength(1);
    const flags = await alerted(orders);
    expect(flags.filter((f) => f === false)).toHaveLength(1);
    expect(orders[flags.indexOf(false)]?.id).toBe(summary.failedOrderIds[0]);
  });
});
