import { createHash, randomUUID } from 'node:crypto';
import type { PlaceOrderRequest } from './validation.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The order id. With an idempotency key it is derived from the customer and the key, so that
 * every retry of a request names the same order; without one it is random.
 */
export function orderIdFor(request: PlaceOrderRequest): string {
  const key = request.idempotencyKey;
  const hex =
    key == null ? randomUUID().replaceAll('-', '') : sha256(`${request.customerId}\u0000${key}`);
  return `ord_${hex.slice(0, 32)}`;
}

/** Whether `id` has the shape of an id made by {@link orderIdFor}; no other id can name an order. */
export const isOrderId = (id: string): boolean => /^ord_[0-9a-f]{32}$/.test(id);

/** A fingerprint of what was asked, to tell a replay of a request from a different one. */
export function requestHash(request: PlaceOrderRequest): string {
  return sha256(
    JSON.stringify([
      request.customerId,
      request.customerEmail,
      request.currency,
      request.items.map((i) => [i.sku, i.quantity, i.unitPrice]),
    ]),
  );
}
