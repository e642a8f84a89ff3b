import { ValidationError } from './errors.js';
import type { Money } from './money.js';
import type { OrderLine } from './order.js';
import type { OrderItemRequest } from './validation.js';

/** Multiplies or adds minor units, refusing any result that is not a safe integer. */
function safe(field: string, value: number): number {
  if (!Number.isSafeInteger(value)) throw new ValidationError(field, 'the total is too large');
  return value;
}

/** Prices the items on the server: line totals and the order total, in minor units. */
export function priceItems(
  currency: string,
  items: readonly OrderItemRequest[],
): { lines: OrderLine[]; total: Money } {
  let total = 0;
  const lines = items.map((item, i): OrderLine => {
    const lineTotal = safe(`input.items[${i}]`, item.quantity * item.unitPrice);
    total = safe('input.items', total + lineTotal);
    return {
      sku: item.sku,
      quantity: item.quantity,
      unitPrice: { amount: item.unitPrice, currency },
      lineTotal: { amount: lineTotal, currency },
    };
  });
  return { lines, total: { amount: total, currency } };
}
