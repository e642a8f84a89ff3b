import { type Caller, mayActFor } from '../domain/caller.js';
import { ForbiddenError } from '../domain/errors.js';
import type { Order } from '../domain/order.js';

/** Refuses a request made on behalf of another customer. */
export function requireActingFor(caller: Caller, customerId: string, field: string): void {
  if (!mayActFor(caller, customerId)) {
    throw new ForbiddenError('You may only act on your own orders.', field);
  }
}

/** The order if the caller may see it; otherwise as if it did not exist, so ids reveal nothing. */
export const visibleTo = (caller: Caller, order: Order | undefined): Order | undefined =>
  order !== undefined && mayActFor(caller, order.customerId) ? order : undefined;

/** Refuses anyone but an administrator (or the trusted local caller). */
export function requireAdmin(caller: Caller, field: string): void {
  if (caller.kind === 'customer') {
    throw new ForbiddenError('Only administrators may list orders across customers.', field);
  }
}
