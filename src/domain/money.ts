/** An amount in minor units (cents) of an ISO 4217 currency. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/** Digits after the decimal point in a currency's major unit: 0 for JPY, 2 for EUR, 3 for KWD. */
export const minorUnitDigits = (currency: string): number =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits ?? 2;

/** The amount in major units as exact decimal text (`1234.5 EUR` is `"1234.50 EUR"`). */
export function formatMoney({ amount, currency }: Money): string {
  const digits = minorUnitDigits(currency);
  const text = String(Math.abs(amount)).padStart(digits + 1, '0');
  const major = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return `${amount < 0 ? '-' : ''}${major} ${currency}`;
}
