import { randomUUID } from 'node:crypto';
import type { Order } from '../domain/order.js';
import { LIMITS, type PlaceOrderRequest } from '../domain/validation.js';

/** A stored-order value with one item, made to measure for a test through `overrides`. */
export function anOrder(overrides: Partial<Order> = {}): Order {
  const at = overrides.createdAt ?? new Date().toISOString();
  return {
    id: `ord_${randomUUID().replaceAll('-', '')}`,
    customerId: `c-${randomUUID()}`,
    customerEmail: 'ada@example.com',
    items: [
      {
        sku: 'A',
        quantity: 2,
        unitPrice: { amount: 5, currency: 'EUR' },
        lineTotal: { amount: 10, currency: 'EUR' },
      },
    ],
    total: { amount: 10, currency: 'EUR' },
    status: 'RECEIVED',
    createdAt: at,
    updatedAt: at,
    requestHash: 'hash',
    dispatch: { queued: false, alerted: false },
    ...overrides,
  };
}

/**
 * The largest `placeOrder` input the rules accept, in bytes of JSON: every field at its longest,
 * written with the characters that take the most bytes (4-byte emoji, 3-byte `€` where UTF-16
 * length counts, escaped `"` and `\` in ASCII-only fields), every item at its highest price and
 * quantity. `variant` changes the SKUs' last character (0 to 99) to make distinct orders.
 */
export function largestOrderInput(variant = 0): PlaceOrderRequest {
  const emoji = (n: number, from = 0x1f600) => String.fromCodePoint(from).repeat(n);
  const local = '€'.repeat(LIMITS.emailLocalPartLength);
  const domainLength = LIMITS.emailLength - local.length - 1;
  const firstLabel = Math.floor((domainLength - 1) / 2);
  return {
    customerId: '"\\'.repeat(LIMITS.customerIdLength / 2),
    customerEmail: `${local}@${emoji(firstLabel)}.${emoji(domainLength - firstLabel - 1)}`,
    currency: 'KWD',
    idempotencyKey: emoji(LIMITS.idempotencyKeyLength - 2) + String(variant).padStart(2, '0'),
    items: Array.from({ length: LIMITS.items.max }, (_, i) => ({
      sku: emoji(LIMITS.skuLength - 2) + String.fromCodePoint(0x1f400 + i, 0x1f400 + variant),
      quantity: LIMITS.quantity.max,
      unitPrice: LIMITS.unitPrice.max,
    })),
  };
}
