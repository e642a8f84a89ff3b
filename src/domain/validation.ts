import { ValidationError } from './errors.js';

export const LIMITS = {
  items: { min: 1, max: 100 },
  quantity: { min: 1, max: 10_000 },
  unitPrice: { min: 0, max: 100_000_000 },
  skuLength: 64,
  customerIdLength: 128,
  emailLength: 254,
  /** In UTF-16 code units, as mail systems count octets of the local part. */
  emailLocalPartLength: 64,
  idempotencyKeyLength: 128,
} as const;

export interface OrderItemRequest {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

/** What a client asks for when placing an order, before any rule is checked. */
export interface PlaceOrderRequest {
  readonly customerId: string;
  readonly customerEmail: string;
  readonly currency: string;
  readonly items: readonly OrderItemRequest[];
  readonly idempotencyKey?: string | null;
}

/** No control, format, private-use, surrogate or unassigned code points. */
const PRINTABLE = /^[^\p{C}]*$/u;
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/u;
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));
/** Visible ASCII only: a customer id is the order queue's message group, which allows no more. */
const CUSTOMER_ID = /^[\x21-\x7E]+$/;

const fail = (field: string, message: string): never => {
  throw new ValidationError(field, message);
};

export function checkText(field: string, value: string, maxLength: number): void {
  if (value.trim().length === 0) fail(field, 'must not be blank');
  if ([...value].length > maxLength) fail(field, `must be at most ${maxLength} characters`);
  if (!PRINTABLE.test(value)) fail(field, 'must contain only printable characters');
}

export function checkInteger(field: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    fail(field, `must be an integer from ${min} to ${max}`);
  }
}

/** A customer id: non-blank, at most 128 visible ASCII characters (letters, digits, punctuation). */
export function checkCustomerId(field: string, value: string): void {
  checkText(field, value, LIMITS.customerIdLength);
  if (!CUSTOMER_ID.test(value)) fail(field, 'must contain only letters, digits and punctuation');
}

export function checkEmail(field: string, value: string): void {
  checkText(field, value, LIMITS.emailLength);
  const local = value.slice(0, value.lastIndexOf('@'));
  if (!EMAIL.test(value) || local.length > LIMITS.emailLocalPartLength)
    fail(field, 'must be an e-mail address');
}

export function checkCurrency(field: string, value: string): void {
  if (!/^[A-Z]{3}$/.test(value) || !CURRENCIES.has(value)) {
    fail(field, 'must be an ISO 4217 currency code such as EUR');
  }
}

/** Checks every rule of a new order; throws a {@link ValidationError} naming the first field at fault. */
export function validatePlaceOrder(request: PlaceOrderRequest): void {
  checkCustomerId('input.customerId', request.customerId);
  checkEmail('input.customerEmail', request.customerEmail);
  checkCurrency('input.currency', request.currency);
  if (request.idempotencyKey != null) {
    checkText('input.idempotencyKey', request.idempotencyKey, LIMITS.idempotencyKeyLength);
  }
  const { items } = request;
  if (items.length < LIMITS.items.min || items.length > LIMITS.items.max) {
    fail('input.items', `must hold ${LIMITS.items.min} to ${LIMITS.items.max} items`);
  }
  const skus = new Set<string>();
  items.forEach((item, i) => {
    const at = `input.items[${i}]`;
    checkText(`${at}.sku`, item.sku, LIMITS.skuLength);
    if (skus.has(item.sku)) fail(`${at}.sku`, 'appears twice; give one item per SKU');
    skus.add(item.sku);
    checkInteger(`${at}.quantity`, item.quantity, LIMITS.quantity.min, LIMITS.quantity.max);
    checkInteger(`${at}.unitPrice`, item.unitPrice, LIMITS.unitPrice.min, LIMITS.unitPrice.max);
  });
}
