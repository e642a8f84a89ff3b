import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { priceItems } from './pricing.js';

describe('priceItems', () => {
  it('computes line totals and the order total in minor units when items are valid', () => {
    const { lines, total } = priceItems('EUR', [
      { sku: 'A', quantity: 3, unitPrice: 199 },
      { sku: 'B', quantity: 1, unitPrice: 0 },
      { sku: 'C', quantity: 10_000, unitPrice: 100_000_000 },
    ]);
    expect(lines.map((l) => l.lineTotal.amount)).toEqual([597, 0, 1_000_000_000_000]);
    expect(total).toEqual({ amount: 1_000_000_000_597, currency: 'EUR' });
    expect(lines[0]?.unitPrice).toEqual({ amount: 199, currency: 'EUR' });
  });

  it('rejects a line total that is not a safe integer instead of rounding it', () => {
    expect(() => priceItems('EUR', [{ sku: 'A', quantity: 2 ** 27, unitPrice: 2 ** 27 }])).toThrow(
      ValidationError,
    );
  });

  it('rejects an order total that is not a safe integer when each line is safe', () => {
    const line = { quantity: 2 ** 26, unitPrice: 2 ** 25 };
    const skus = ['A', 'B', 'C', 'D'];
    expect(() =>
      priceItems(
        'EUR',
        skus.slice(0, 3).map((sku) => ({ sku, ...line })),
      ),
    ).not.toThrow();
    expect(() =>
      priceItems(
        'EUR',
        skus.map((sku) => ({ sku, ...line })),
      ),
    ).toThrow(ValidationError);
  });
});
