import { formatMoney } from './money.js';
import type { Order } from './order.js';

export const ORDER_MESSAGE_SCHEMA_VERSION = 1;

/** What the queue carries: the order as clients see it, with the version of this shape. */
export interface OrderMessage {
  readonly schemaVersion: typeof ORDER_MESSAGE_SCHEMA_VERSION;
  readonly order: Omit<Order, 'requestHash' | 'dispatch'>;
}

export function toOrderMessage(order: Order): OrderMessage {
  const { requestHash: _hash, dispatch: _dispatch, ...visible } = order;
  return { schemaVersion: ORDER_MESSAGE_SCHEMA_VERSION, order: visible };
}

/** The facts an admin alert gives about one order: no personal data. */
function alertFacts(order: Order) {
  const count = order.items.reduce((n, item) => n + item.quantity, 0);
  return {
    total: `${formatMoney(order.total)} (${order.total.amount} minor units)`,
    items: `${order.items.length} lines, ${count} units`,
  };
}

const lookUp = (id: string) =>
  `query { order(id: "${id}") { status customerId customerEmail items { sku quantity } } }`;

/**
 * The admin alert for a new order: what an admin needs to act on it and how to look it up, but
 * no personal data (no customer id or e-mail address), since e-mail travels and is kept in plain
 * text. The admin reads the rest through the API, where access is checked and logged.
 */
export function newOrderAlert(order: Order): { subject: string; message: string } {
  const facts = alertFacts(order);
  return {
    subject: `New order ${order.id} received`,
    message: [
      `New order received: ${order.id}`,
      `Total: ${facts.total}`,
      `Items: ${facts.items}`,
      `Placed at: ${order.createdAt}`,
      `Look it up (admin endpoint): ${lookUp(order.id)}`,
    ].join('\n'),
  };
}

/**
 * Most orders one digest lists. A line takes at most about 200 bytes (a 16-digit amount, a
 * million units), so a full digest stays below half of SNS's 256 KB message limit.
 */
export const DIGEST_MAX_ORDERS = 500;

/**
 * One admin alert listing several new orders, oldest first, one line each, with the same facts
 * (and the same absence of personal data) as {@link newOrderAlert}.
 */
export function newOrdersDigest(orders: readonly Order[]): { subject: string; message: string } {
  if (orders.length === 0 || orders.length > DIGEST_MAX_ORDERS) {
    throw new RangeError(`A digest lists 1 to ${DIGEST_MAX_ORDERS} orders, not ${orders.length}.`);
  }
  const sorted = [...orders].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
  );
  const first = sorted[0] as Order;
  const last = sorted.at(-1) as Order;
  return {
    subject: `${orders.length} new ${orders.length === 1 ? 'order' : 'orders'} received`,
    message: [
      `New orders received: ${orders.length}, placed ${first.createdAt} to ${last.createdAt}`,
      ...sorted.map((order) => {
        const facts = alertFacts(order);
        return `${order.id} · Total: ${facts.total} · Items: ${facts.items} · Placed at: ${order.createdAt}`;
      }),
      `Look one up (admin endpoint): ${lookUp('<id>')}`,
    ].join('\n'),
  };
}

/** What the order processor takes from a queue message; the stored order is the truth for the rest. */
export interface ReceivedOrderMessage {
  readonly schemaVersion: typeof ORDER_MESSAGE_SCHEMA_VERSION;
  readonly orderId: string;
  readonly customerId: string;
}

/** Why a queue message cannot be processed, however often it is retried. */
export type InvalidOrderMessageReason = 'unreadable' | 'unsupported-version' | 'malformed';

/** Raised for a queue message that no retry can make processable: it belongs in the dead-letter queue. */
export class InvalidOrderMessageError extends Error {
  constructor(
    readonly reason: InvalidOrderMessageReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'InvalidOrderMessageError';
  }
}

const MAX_ID_LENGTH = 128;
const isId = (value: unknown): value is string =>
  typeof value === 'string' && value.trim().length > 0 && value.length <= MAX_ID_LENGTH;

/**
 * Reads a queue message body written by {@link toOrderMessage}. Throws an
 * {@link InvalidOrderMessageError} when the body is not JSON, carries another schema version, or
 * lacks the order's id or customer.
 */
export function parseOrderMessage(body: string): ReceivedOrderMessage {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new InvalidOrderMessageError('unreadable', 'The message body is not JSON.', {
      cause: error,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOrderMessageError('malformed', 'The message body is not an object.');
  }
  const { schemaVersion, order } = value as { schemaVersion?: unknown; order?: unknown };
  if (schemaVersion !== ORDER_MESSAGE_SCHEMA_VERSION) {
    throw new InvalidOrderMessageError(
      'unsupported-version',
      `The message has schema version ${JSON.stringify(schemaVersion) ?? 'none'}; this processor reads version ${ORDER_MESSAGE_SCHEMA_VERSION}.`,
    );
  }
  const { id, customerId } = (typeof order === 'object' && order !== null ? order : {}) as {
    id?: unknown;
    customerId?: unknown;
  };
  if (!isId(id) || !isId(customerId)) {
    throw new InvalidOrderMessageError(
      'malformed',
      'The message does not name an order and its customer.',
    );
  }
  return { schemaVersion, orderId: id, customerId };
}
