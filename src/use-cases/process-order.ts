import { OrderNotFoundError, OrderStatusConflictError } from '../domain/errors.js';
import { statusesBefore } from '../domain/lifecycle.js';
import { isDispatched, ORDER_STATUSES, type Order, type OrderStatus } from '../domain/order.js';
import { type OrderFulfilment, OrderRejectedError } from '../domain/order-processing.js';
import type { StatusChange } from '../domain/ports.js';
import type { OrderDependencies } from './dependencies.js';

/** The ports the order processor is given. */
export interface ProcessOrderDependencies extends Pick<OrderDependencies, 'store' | 'clock'> {
  readonly fulfilment: OrderFulfilment;
}

/**
 * What processing did: `completed` or `failed` when this call finished the order, `unchanged`
 * when the order was already finished or cancelled (a redelivery, or a cancel that won).
 */
export type ProcessOrderOutcome = 'completed' | 'failed' | 'unchanged';

export interface ProcessedOrder {
  readonly order: Order;
  readonly outcome: ProcessOrderOutcome;
}

const FINISHED: ReadonlySet<OrderStatus> = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);

/**
 * Takes an order through processing: RECEIVED → PROCESSING, the fulfilment step, then
 * PROCESSING → COMPLETED with `processedAt`. Every status change is conditional; when one loses a
 * race the order is read again and handled by its new status, so a redelivered message, a resumed
 * order (found in PROCESSING after a crash) and a cancel that won all end without error. Throws
 * {@link OrderNotFoundError} for an unknown order and lets fulfilment errors through, to be retried.
 */
export async function processOrder(
  deps: ProcessOrderDependencies,
  orderId: string,
): Promise<ProcessedOrder> {
  // Statuses only move forward, so each lost race brings the order one step nearer the end.
  for (let attempt = 0; attempt < ORDER_STATUSES.length; attempt++) {
    const order = await deps.store.get(orderId);
    if (order === undefined) throw new OrderNotFoundError(orderId);
    if (FINISHED.has(order.status)) return { order, outcome: 'unchanged' };
    const processing =
      order.status === 'PROCESSING' ? order : await move(deps, order, 'PROCESSING');
    if (processing === undefined) continue;
    const finished = await fulfil(deps, processing);
    if (finished !== undefined) return finished;
  }
  throw new Error(`Order ${orderId} kept changing status while it was being processed.`);
}

async function fulfil(
  deps: ProcessOrderDependencies,
  order: Order,
): Promise<ProcessedOrder | undefined> {
  try {
    await deps.fulfilment.process(order);
  } catch (error) {
    if (!(error instanceof OrderRejectedError)) throw error;
    const failed = await move(deps, order, 'FAILED');
    return failed && { order: failed, outcome: 'failed' };
  }
  const now = deps.clock().toISOString();
  const completed = await move(deps, order, 'COMPLETED', { set: { processedAt: now }, at: now });
  return completed && { order: completed, outcome: 'completed' };
}

/**
 * Applies a status change; undefined when the order was no longer in a status it may leave for
 * `to`. An order about to finish that still misses a side effect (its request failed, or died
 * before recording its dispatch) is marked pending in the same write: once finished, the sweeper
 * no longer finds it among the open orders. As seen by the last write, so possibly a moment old:
 * a marker set needlessly is cleared by the sweeper, flags are never unset.
 */
async function move(
  deps: ProcessOrderDependencies,
  order: Order,
  to: OrderStatus,
  change: Partial<Pick<StatusChange, 'set' | 'at'>> = {},
): Promise<Order | undefined> {
  const pending = FINISHED.has(to) && !isDispatched(order.dispatch);
  try {
    return await deps.store.transition({
      id: order.id,
      from: statusesBefore(to),
      to,
      at: change.at ?? deps.clock().toISOString(),
      ...(change.set && { set: change.set }),
      ...(pending && { pending }),
    });
  } catch (error) {
    if (error instanceof OrderStatusConflictError) return undefined;
    throw error;
  }
}
