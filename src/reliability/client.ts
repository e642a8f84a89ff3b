import type { OrderError } from '../domain/errors.js';
import type { Order } from '../domain/order.js';
import type { PlaceOrderRequest } from '../domain/validation.js';
import type { OrderDependencies } from '../use-cases/dependencies.js';
import { placeOrder } from '../use-cases/place-order.js';
import { SWEEP_DEFAULTS } from '../use-cases/sweep-orders.js';

/** What a client that retries with the same idempotency key saw. */
export interface ClientOutcome {
  /** The order the service acknowledged, if it ever did. */
  readonly order?: Order;
  readonly attempts: number;
  /** Every failure answered, in order. */
  readonly errors: readonly unknown[];
  /** How long each attempt took to be answered, in milliseconds. */
  readonly durationsMs: readonly number[];
}

const isRetryable = (error: unknown) => (error as Partial<OrderError>).retryable === true;

/**
 * Places an order as a well-behaved client does: sends it, and on a retryable error sends the same
 * request again (same idempotency key), up to `maxAttempts` times. `giveUp` makes it stop after its
 * first failure, as a client whose user closed the page.
 */
export async function placeWithRetries(
  deps: OrderDependencies,
  request: PlaceOrderRequest,
  {
    maxAttempts,
    giveUp = false,
    attempt: run = (work) => work(),
  }: {
    maxAttempts: number;
    giveUp?: boolean;
    /** Runs each attempt, as the API's handler does (within its call budget). @default as is */
    attempt?: <T>(work: () => Promise<T>) => Promise<T>;
  },
): Promise<ClientOutcome> {
  const errors: unknown[] = [];
  const durationsMs: number[] = [];
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const started = performance.now();
    try {
      const { order } = await run(() => placeOrder(deps, request));
      durationsMs.push(performance.now() - started);
      return { order, attempts: attempt, errors, durationsMs };
    } catch (error) {
      durationsMs.push(performance.now() - started);
      errors.push(error);
      if (giveUp || !isRetryable(error)) return { attempts: attempt, errors, durationsMs };
    }
  }
  return { attempts: maxAttempts, errors, durationsMs };
}

/** A valid request, told apart from every other by its e-mail (the request tag the audit uses). */
export function orderRequest(tag: string, customerId: string, idempotencyKey: string) {
  return {
    customerId,
    customerEmail: `${tag}@example.com`,
    currency: 'EUR',
    items: [
      { sku: 'BOOK-1', quantity: 2, unitPrice: 1250 },
      { sku: 'PEN-7', quantity: 1, unitPrice: 199 },
    ],
    idempotencyKey,
  } satisfies PlaceOrderRequest;
}

/** The seed of a chaos run: fixed so that CI is reproducible; set CHAOS_SEED to explore others. */
export function chaosSeed(fixed: number): number {
  const seed = Number.parseInt(process.env.CHAOS_SEED || String(fixed), 10);
  if (!Number.isSafeInteger(seed)) throw new Error('CHAOS_SEED must be an integer');
  return seed;
}

/**
 * How far ahead of now a test's final sweep looks: its orders are then past the grace period,
 * their claims and the open-order scan's settle window.
 */
export const OLD_ENOUGH_TO_SWEEP_MS = SWEEP_DEFAULTS.openSettleMs + 1_000;
