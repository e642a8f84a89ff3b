import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../domain/validation.js';
import { GET_ORDER, ORDER_FIELDS, orderInput, PLACE_ORDER } from '../testing/graphql-client.js';
import { createTestHttpApi, type TestHttpApi } from '../testing/http-api.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { anOrder } from '../testing/orders.js';

const INT_MAX = 2 ** 31 - 1;
const SAFE_MAX = Number.MAX_SAFE_INTEGER;
/** One currency of each ISO 4217 exponent the API serves: 0, 2 and 3 minor-unit digits. */
const CURRENCIES = ['JPY', 'EUR', 'KWD'] as const;

const FULL_LIST = `query Orders($customerId: ID!) {
  orders(customerId: $customerId, first: 5) { edges { node { ${ORDER_FIELDS} } } }
}`;

interface Amounts {
  readonly unitPrices: readonly number[];
  readonly lineTotals: readonly number[];
  readonly total: number;
}

interface ShownOrder {
  id: string;
  items: { unitPrice: { amount: number; currency: string }; lineTotal: { amount: number } }[];
  total: { amount: number; currency: string };
}

let sys: TestOrderSystem;
let api: TestHttpApi;

beforeAll(async () => {
  sys = await createTestOrderSystem();
  api = createTestHttpApi(sys);
});

const amountsOf = (order: ShownOrder | undefined): Amounts => ({
  unitPrices: order?.items.map((i) => i.unitPrice.amount) ?? [],
  lineTotals: order?.items.map((i) => i.lineTotal.amount) ?? [],
  total: order?.total.amount ?? Number.NaN,
});

/** The order as each query shows it: the placing answer (if any), `order(id)` and `orders`. */
async function readEverywhere(id: string, customerId: string): Promise<ShownOrder[]> {
  const one = await api.post<{ order: ShownOrder }>(GET_ORDER, { id });
  const list = await api.post<{ orders: { edges: { node: ShownOrder }[] } }>(FULL_LIST, {
    customerId,
  });
  expect(one.errors).toBeUndefined();
  expect(list.errors).toBeUndefined();
  const listed = list.data?.orders.edges.find((e) => e.node.id === id)?.node;
  return [one.data?.order, listed].filter((o): o is ShownOrder => o !== undefined);
}

/** Items of one unit price each, whose sum is `total`, within the domain's limits. */
function itemsSummingTo(total: number) {
  const { max } = LIMITS.unitPrice;
  const full = Math.floor(total / max);
  const prices = [...Array.from({ length: full }, () => max), total - full * max];
  return prices.map((unitPrice, i) => ({ sku: `S-${i}`, quantity: 1, unitPrice }));
}

const accepted = [
  { name: 'a total of 2^31 - 1', items: itemsSummingTo(INT_MAX) },
  { name: 'a total of 2^31', items: itemsSummingTo(INT_MAX + 1) },
  // 2^31 - 1 is prime: no line within the limits reaches it; 2^31 = 8192 × 262144 does.
  { name: 'a line total of 2^31', items: [{ sku: 'S', quantity: 2 ** 13, unitPrice: 2 ** 18 }] },
  {
    name: 'the largest total the rules allow',
    items: Array.from({ length: LIMITS.items.max }, (_, i) => ({
      sku: `S-${i}`,
      quantity: LIMITS.quantity.max,
      unitPrice: LIMITS.unitPrice.max,
    })),
  },
];

describe('money at the 32- and 53-bit boundaries', () => {
  it.each(
    CURRENCIES.flatMap((currency) => accepted.map((c) => [c.name, currency, c.items] as const)),
  )(
    'shows %s in %s exactly through every query when the order is placed',
    async (_, currency, items) => {
      const customerId = `c-${randomUUID()}`;
      const expected: Amounts = {
        unitPrices: items.map((i) => i.unitPrice),
        lineTotals: items.map((i) => i.quantity * i.unitPrice),
        total: items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0),
      };

      const placed = await api.post<{ placeOrder: { order: ShownOrder } }>(PLACE_ORDER, {
        input: orderInput({ customerId, currency, items }),
      });

      expect(placed.errors).toBeUndefined();
      expect(placed.status).toBe(200);
      const order = placed.data?.placeOrder.order;
      expect(order?.total.currency).toBe(currency);
      const shown = [order, ...(await readEverywhere(order?.id ?? '', customerId))];
      expect(shown).toHaveLength(3);
      for (const view of shown) expect(amountsOf(view)).toEqual(expected);
      // The answer is plain JSON numbers, exact without any big-number parsing.
      expect(placed.text).toContain(
        `"total":{"amount":${expected.total},"currency":"${currency}"}`,
      );
    },
  );

  it.each([
    ['a unit price of 2^31 - 1', { quantity: 1, unitPrice: INT_MAX }, 'input.items[0].unitPrice'],
    ['a unit price of 2^31', { quantity: 1, unitPrice: INT_MAX + 1 }, undefined],
    ['a unit price of 2^53 - 1', { quantity: 1, unitPrice: SAFE_MAX }, undefined],
    ['a line total of 2^31 - 1', { quantity: 1, unitPrice: INT_MAX }, 'input.items[0].unitPrice'],
    // 2^53 - 1 = 441650591 × 20394401: the price is allowed, the quantity is not.
    [
      'a line total of 2^53 - 1',
      { quantity: 441_650_591, unitPrice: 20_394_401 },
      'input.items[0].quantity',
    ],
  ])('refuses %s with BAD_USER_INPUT before any write', async (_, item, field) => {
    const customerId = `c-${randomUUID()}`;
    const before = (await sys.scanOrders()).length;

    const answer = await api.post(PLACE_ORDER, {
      input: orderInput({ customerId, items: [{ sku: 'S', ...item }] }),
    });

    expect(answer.data ?? null).toBeNull();
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    if (field !== undefined) expect(answer.errors?.[0]?.extensions?.field).toBe(field);
    expect((await sys.scanOrders()).length).toBe(before);
    expect(api.logged).toEqual([]);
  });

  it.each(CURRENCIES)(
    'shows amounts of 2^31 - 1 and 2^53 - 1 in %s exactly when such an order is stored',
    async (currency) => {
      // No accepted request reaches 2^53 - 1, the largest amount pricing lets through; stored
      // directly, it shows that the API can answer with every amount the domain can hold.
      const money = (amount: number) => ({ amount, currency });
      const order = anOrder({
        items: [
          { sku: 'A', quantity: 1, unitPrice: money(INT_MAX), lineTotal: money(INT_MAX) },
          { sku: 'B', quantity: 1, unitPrice: money(SAFE_MAX), lineTotal: money(SAFE_MAX) },
        ],
        total: money(SAFE_MAX),
      });
      await sys.deps.store.create(order);

      const shown = await readEverywhere(order.id, order.customerId);

      expect(shown).toHaveLength(2);
      for (const view of shown) {
        expect(amountsOf(view)).toEqual({
          unitPrices: [INT_MAX, SAFE_MAX],
          lineTotals: [INT_MAX, SAFE_MAX],
          total: SAFE_MAX,
        });
      }
      expect(api.logged).toEqual([]);
    },
  );
});
