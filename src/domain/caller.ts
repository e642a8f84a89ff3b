/**
 * Who sends a request. `trusted` is the local mode with authentication off; in AWS every
 * caller is a customer or an admin, as proven by a verified token.
 */
export type Caller =
  | { readonly kind: 'trusted' }
  | { readonly kind: 'admin'; readonly subject: string }
  | { readonly kind: 'customer'; readonly subject: string; readonly customerId: string };

export const TRUSTED_CALLER: Caller = { kind: 'trusted' };

/** Whether the caller may see and change the orders of this customer. */
export function mayActFor(caller: Caller, customerId: string): boolean {
  return caller.kind !== 'customer' || caller.customerId === customerId;
}
