import { describe, expect, it } from 'vitest';
import { anOrder } from '../testing/orders.js';
import {
  DIGEST_MAX_ORDERS,
  InvalidOrderMessageError,
  newOrderAlert,
  newOrdersDigest,
  parseOrderMessage,
  toOrderMessage,
} from './order-message.js';

const order = anOrder({
  id: 'ord_0123456789abcdef0123456789abcdef',
  customerId: 'cust-1',
  createdAt: '2026-11-01T10:00:00.000Z',
  dispatch: { queued: true, alerted: true },
});

const reasonFor = (body: string) => {
  try {
    parseOrderMessage(body);
  } catch (error) {
    return error instanceof InvalidOrderMessageError ? error.reason : error;
  }
  return 'parsed';
};

describe('parseOrderMessage', () => {
  it('reads the order id and customer when the body was written by toOrderMessage', () => {
    expect(parseOrderMessage(JSON.stringify(toOrderMessage(order)))).toEqual({
      schemaVersion: 1,
      orderId: order.id,
      customerId: order.customerId,
    });
  });

  it.each([
    ['unreadable', 'not json'],
    ['unreadable', '{"schemaVersion":1,"order":'],
    ['malformed', '[1]'],
    ['malformed', 'null'],
    ['unsupported-version', JSON.stringify({ ...toOrderMessage(order), schemaVersion: 2 })],
    ['unsupported-version', JSON.stringify({ order })],
    ['unsupported-version', JSON.stringify({ ...toOrderMessage(order), schemaVersion: '1' })],
    ['malformed', JSON.stringify({ schemaVersion: 1 })],
    ['malformed', JSON.stringify({ schemaVersion: 1, order: { id: order.id } })],
    ['malformed', JSON.stringify({ schemaVersion: 1, order: { id: ' ', customerId: 'c' } })],
    ['malformed', JSON.stringify({ schemaVersion: 1, order: { id: 7, customerId: 'c' } })],
  ])('throws an InvalidOrderMessageError (%s) when the body is %s', (reason, body) => {
    expect(reasonFor(body)).toBe(reason);
  });
});

describe('newOrderAlert', () => {
  it('names the order, its total and item count and how to look it up, but no personal data', () => {
    const placed = anOrder({
      id: 'ord_0123456789abcdef0123456789abcdef',
      customerId: 'cust-42',
      customerEmail: 'ada@example.com',
      items: [
        {
          sku: 'BOOK-1',
          quantity: 2,
          unitPrice: { amount: 1250, currency: 'EUR' },
          lineTotal: { amount: 2500, currency: 'EUR' },
        },
        {
          sku: 'PEN-1',
          quantity: 1,
          unitPrice: { amount: 199, currency: 'EUR' },
          lineTotal: { amount: 199, currency: 'EUR' },
        },
      ],
      total: { amount: 2699, currency: 'EUR' },
    });

    const { subject, message } = newOrderAlert(placed);

    expect(subject).toBe(`New order ${placed.id} received`);
    expect(message).toContain('Total: 26.99 EUR (2699 minor units)');
    expect(message).toContain('Items: 2 lines, 3 units');
    expect(message).toContain(`order(id: "${placed.id}")`);
    for (const text of [subject, message]) {
      expect(text).not.toContain('cust-42');
      expect(text).not.toContain('ada@example.com');
    }
  });
});

describe('newOrdersDigest', () => {
  const at = (second: number) => `2026-11-01T10:00:${String(second).padStart(2, '0')}.000Z`;

  it('lists each order on one line, oldest first, with the facts of a single alert', () => {
    const orders = [
      anOrder({ id: 'ord_b', createdAt: at(20), customerId: 'cust-42' }),
      anOrder({ id: 'ord_a', createdAt: at(10), customerEmail: 'bob@example.com' }),
    ];

    const { subject, message } = newOrdersDigest(orders);

    expect(subject).toBe('2 new orders received');
    const lines = message.split('\n');
    expect(lines[0]).toBe(`New orders received: 2, placed ${at(10)} to ${at(20)}`);
    expect(lines[1]).toBe(
      `ord_a · Total: 0.10 EUR (10 minor units) · Items: 1 lines, 2 units · Placed at: ${at(10)}`,
    );
    expect(lines[2]).toMatch(/^ord_b · /);
    expect(message).not.toContain('cust-42');
    expect(message).not.toContain('bob@example.com');
  });

  it('fits a full digest of the largest orders in half of an SNS message, with a valid subject', () => {
    const largest = anOrder({
      id: 'ord_ffffffffffffffffffffffffffffffff',
      total: { amount: Number.MAX_SAFE_INTEGER, currency: 'KWD' },
      items: Array.from({ length: 100 }, (_, i) => ({
        sku: `S${i}`,
        quantity: 10_000,
        unitPrice: { amount: 100_000_000, currency: 'KWD' },
        lineTotal: { amount: 1_000_000_000_000, currency: 'KWD' },
      })),
    });

    const { subject, message } = newOrdersDigest(Array(DIGEST_MAX_ORDERS).fill(largest));

    expect(Buffer.byteLength(message) + Buffer.byteLength(subject)).toBeLessThanOrEqual(128 * 1024);
    // SNS: ASCII, no line breaks, under 100 characters.
    expect(subject).toMatch(/^[\x21-\x7E][\x20-\x7E]{0,98}$/);
  });

  it('says "order" for one', () => {
    expect(newOrdersDigest([anOrder()]).subject).toBe('1 new order received');
  });

  it(`refuses none and more than ${DIGEST_MAX_ORDERS}`, () => {
    expect(() => newOrdersDigest([])).toThrow(RangeError);
    const many = Array.from({ length: DIGEST_MAX_ORDERS + 1 }, () => anOrder());
    expect(() => newOrdersDigest(many)).toThrow(RangeError);
  });
});
