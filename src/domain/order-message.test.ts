import { describe, expect, it } from 'vitest';
import { anOrder } from '../testing/orders.js';
import { InvalidOrderMessageError, parseOrderMessage, toOrderMessage } from './order-message.js';

const order = anOrder({
  id: 'ord_0123456789abcdef0123456789abcdef',
  customerId: 'cust-1',
  createdAt: '2026-11-01T10:00:00.000Z',
  dispatch: { queued: true, alerted: true },
});

const reasonFor = (body: string) => {
  try {
    parseOrderMessage(body);
  } catch (error) {
    return error instanceof InvalidOrderMessageError ? error.reason : error;
  }
  return 'parsed';
};

describe('parseOrderMessage', () => {
  it('reads the order id and customer when the body was written by toOrderMessage', () => {
    expect(parseOrderMessage(JSON.stringify(toOrderMessage(order)))).toEqual({
      schemaVersion: 1,
      orderId: order.id,
      customerId: order.customerId,
    });
  });

  it.each([
    ['unreadable', 'not json'],
    ['unreadable', '{"schemaVersion":1,"order":'],
    ['malformed', '[1]'],
    ['malformed', 'null'],
    ['unsupported-version', JSON.stringify({ ...toOrderMessage(order), schemaVersion: 2 })],
    ['unsupported-version', JSON.stringify({ order })],
    ['unsupported-version', JSON.stringify({ ...toOrderMessage(order), schemaVersion: '1' })],
    ['malformed', JSON.stringify({ schemaVersion: 1 })],
    ['malformed', JSON.stringify({ schemaVersion: 1, order: { id: order.id } })],
    ['malformed', JSON.stringify({ schemaVersion: 1, order: { id: ' ', customerId: 'c' } })],
    ['malformed', JSON.stringify({ schemaVersion: 1, order: { id: 7, customerId: 'c' } })],
  ])('throws an InvalidOrderMessageError (%s) when the body is %s', (reason, body) => {
    expect(reasonFor(body)).toBe(reason);
  });
});
