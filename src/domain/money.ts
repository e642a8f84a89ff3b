/** An amount in minor units (cents) of an ISO 4217 currency. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/**
 * ISO 4217 minor-unit exponents other than 2. `Intl` is no substitute: it follows CLDR's display
 * digits, which differ for about twenty currencies (IDR has 2 in ISO 4217 and 0 in CLDR).
 */
const EXPONENTS: Readonly<Record<string, number>> = {
  ...Object.fromEntries(
    'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF'
      .split(' ')
      .map((c) => [c, 0]),
  ),
  ...Object.fromEntries('BHD IQD JOD KWD LYD OMR TND'.split(' ').map((c) => [c, 3])),
  CLF: 4,
  UYW: 4,
};

/** Digits after the decimal point in a currency's major unit: 0 for JPY, 2 for EUR, 3 for KWD. */
export const minorUnitDigits = (currency: string): number => EXPONENTS[currency] ?? 2;

/** The amount in major units as exact decimal text (`1234.5 EUR` is `"1234.50 EUR"`). */
export function formatMoney({ amount, currency }: Money): string {
  const digits = minorUnitDigits(currency);
  const text = String(Math.abs(amount)).padStart(digits + 1, '0');
  const major = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return `${amount < 0 ? '-' : ''}${major} ${currency}`;
}
