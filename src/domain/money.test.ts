import { describe, expect, it } from 'vitest';
import { formatMoney, minorUnitDigits } from './money.js';

describe('formatMoney', () => {
  it.each([
    ['JPY', 0],
    ['EUR', 2],
    ['KWD', 3],
    ['IDR', 2],
    ['IQD', 3],
    ['CLF', 4],
  ])('knows that %s has %i minor-unit digits', (currency, digits) => {
    expect(minorUnitDigits(currency)).toBe(digits);
  });

  it.each([
    [{ amount: 1250, currency: 'JPY' }, '1250 JPY'],
    [{ amount: 1250, currency: 'EUR' }, '12.50 EUR'],
    [{ amount: 1250, currency: 'KWD' }, '1.250 KWD'],
    [{ amount: 5, currency: 'KWD' }, '0.005 KWD'],
    [{ amount: 0, currency: 'EUR' }, '0.00 EUR'],
    [{ amount: 2 ** 31, currency: 'EUR' }, '21474836.48 EUR'],
    [{ amount: Number.MAX_SAFE_INTEGER, currency: 'KWD' }, '9007199254740.991 KWD'],
    [{ amount: Number.MAX_SAFE_INTEGER, currency: 'JPY' }, '9007199254740991 JPY'],
  ])('writes %o as %s, exactly, when the amount is in minor units', (money, text) => {
    expect(formatMoney(money)).toBe(text);
  });
});
