import type { ConsumerLogger } from '../consumer/create-consumer-handler.js';
import type { ErrorLogger } from '../graphql/errors.js';

const text = (value: unknown) => (value instanceof Error ? value.message : String(value));

/** The order processor's log as one readable console line per event. */
export const processorConsoleLogger: ConsumerLogger = {
  info: (_, a) =>
    console.log(
      `[order processor] order ${text(a.orderId)} → ${text(a.status)} (${text(a.outcome)})`,
    ),
  warn: (message, a) => console.warn(`[order processor] ${message}: message ${text(a.messageId)}`),
  error: (message, a) =>
    console.error(
      `[order processor] ${message}: message ${text(a.messageId)}, receive ${text(a.receiveCount)}, ${a.poison ? 'poison' : 'will retry'}: ${text(a.error)}`,
    ),
};

/** Unexpected API errors, printed in full: locally the developer is the operator. */
export const apiConsoleLogger: ErrorLogger = {
  error: (message, details) => console.error(`[graphql] ${message}`, details),
  warn: (message, details) => console.warn(`[graphql] ${message}: ${text(details.error)}`),
};
