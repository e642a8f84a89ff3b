import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { type PlaceOrderRequest, validatePlaceOrder } from './validation.js';

const valid: PlaceOrderRequest = {
  customerId: 'customer-1',
  customerEmail: 'ada@example.com',
  currency: 'EUR',
  items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 100 }],
};
const item = valid.items[0] as PlaceOrderRequest['items'][number];
const withItem = (patch: Partial<typeof item>): PlaceOrderRequest => ({
  ...valid,
  items: [{ ...item, ...patch }],
});

function fieldAtFault(request: PlaceOrderRequest): string | undefined {
  try {
    validatePlaceOrder(request);
    return undefined;
  } catch (error) {
    if (error instanceof ValidationError) return error.field;
    throw error;
  }
}

describe('validatePlaceOrder', () => {
  it('accepts an order when every value is at its bounds', () => {
    const items = Array.from({ length: 100 }, (_, i) => ({
      sku: `S${i}`.padEnd(64, 'x'),
      quantity: i % 2 === 0 ? 1 : 10_000,
      unitPrice: i % 2 === 0 ? 0 : 100_000_000,
    }));
    expect(
      fieldAtFault({
        customerId: 'c'.repeat(128),
        customerEmail: `${'a'.repeat(64)}@${'b'.repeat(180)}.com`,
        currency: 'JPY',
        items,
        idempotencyKey: 'k'.repeat(128),
      }),
    ).toBeUndefined();
  });

  it.each([
    ['no items', { ...valid, items: [] }, 'input.items'],
    [
      '101 items',
      { ...valid, items: Array.from({ length: 101 }, (_, i) => ({ ...item, sku: `S${i}` })) },
      'input.items',
    ],
    ['quantity 0', withItem({ quantity: 0 }), 'input.items[0].quantity'],
    ['quantity 10 001', withItem({ quantity: 10_001 }), 'input.items[0].quantity'],
    ['a fractional quantity', withItem({ quantity: 1.5 }), 'input.items[0].quantity'],
    ['a negative unit price', withItem({ unitPrice: -1 }), 'input.items[0].unitPrice'],
    [
      'a unit price over 100 000 000',
      withItem({ unitPrice: 100_000_001 }),
      'input.items[0].unitPrice',
    ],
    ['a NaN unit price', withItem({ unitPrice: Number.NaN }), 'input.items[0].unitPrice'],
    ['an empty sku', withItem({ sku: '' }), 'input.items[0].sku'],
    ['a blank sku', withItem({ sku: '   ' }), 'input.items[0].sku'],
    ['a 65-character sku', withItem({ sku: 's'.repeat(65) }), 'input.items[0].sku'],
    ['a sku with a control character', withItem({ sku: 'A\u0007B' }), 'input.items[0].sku'],
    ['a sku with a zero-width character', withItem({ sku: 'A\u200bB' }), 'input.items[0].sku'],
    ['a repeated sku', { ...valid, items: [item, { ...item, quantity: 2 }] }, 'input.items[1].sku'],
    ['a blank customer id', { ...valid, customerId: ' ' }, 'input.customerId'],
    ['a 129-character customer id', { ...valid, customerId: 'c'.repeat(129) }, 'input.customerId'],
    ['a customer id with a newline', { ...valid, customerId: 'a\nb' }, 'input.customerId'],
    ['a customer id with a space', { ...valid, customerId: 'c 1' }, 'input.customerId'],
    ['a customer id with an accent', { ...valid, customerId: 'José' }, 'input.customerId'],
    ['an e-mail without @', { ...valid, customerEmail: 'ada.example.com' }, 'input.customerEmail'],
    [
      'an e-mail without a domain dot',
      { ...valid, customerEmail: 'ada@example' },
      'input.customerEmail',
    ],
    [
      'an e-mail with a space',
      { ...valid, customerEmail: 'a da@example.com' },
      'input.customerEmail',
    ],
    [
      'a 255-character e-mail',
      { ...valid, customerEmail: `a@${'b'.repeat(249)}.com` },
      'input.customerEmail',
    ],
    [
      'a 65-character local part',
      { ...valid, customerEmail: `${'a'.repeat(65)}@b.com` },
      'input.customerEmail',
    ],
    ['a lower-case currency', { ...valid, currency: 'eur' }, 'input.currency'],
    ['an unknown currency', { ...valid, currency: 'ABC' }, 'input.currency'],
    ['a 4-letter currency', { ...valid, currency: 'EURO' }, 'input.currency'],
    ['an empty idempotency key', { ...valid, idempotencyKey: '' }, 'input.idempotencyKey'],
    [
      'a 129-character idempotency key',
      { ...valid, idempotencyKey: 'k'.repeat(129) },
      'input.idempotencyKey',
    ],
    ['an idempotency key with a tab', { ...valid, idempotencyKey: 'a\tb' }, 'input.idempotencyKey'],
  ] satisfies [string, PlaceOrderRequest, string][])(
    'rejects %s, naming the field',
    (_, request, field) => {
      expect(fieldAtFault(request)).toBe(field);
    },
  );

  it('accepts a null idempotency key when none is given', () => {
    expect(fieldAtFault({ ...valid, idempotencyKey: null })).toBeUndefined();
  });

  it('counts characters, not UTF-16 units, when limiting lengths', () => {
    expect(fieldAtFault(withItem({ sku: '😀'.repeat(64) }))).toBeUndefined();
    expect(fieldAtFault(withItem({ sku: '😀'.repeat(65) }))).toBe('input.items[0].sku');
  });
});
