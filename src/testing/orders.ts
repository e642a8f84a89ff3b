import { randomUUID } from 'node:crypto';
import type { Order } from '../domain/order.js';

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
