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

/** The admin alert for a new order. */
export function newOrderAlert(order: Order): { subject: string; message: string } {
  const total = `${(order.total.amount / 100).toFixed(2)} ${order.total.currency}`;
  const count = order.items.reduce((n, item) => n + item.quantity, 0);
  return {
    subject: `New order ${order.id} received`,
    message: [
      `New order received: ${order.id}`,
      `Customer: ${order.customerId} <${order.customerEmail}>`,
      `Total: ${total} (${order.total.amount} minor units)`,
      `Items: ${order.items.length} lines, ${count} units`,
      `Placed at: ${order.createdAt}`,
    ].join('\n'),
  };
}
