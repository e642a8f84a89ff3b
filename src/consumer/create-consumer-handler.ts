import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { OrderNotFoundError } from '../domain/errors.js';
import { InvalidOrderMessageError, parseOrderMessage } from '../domain/order-message.js';
import {
  type ProcessedOrder,
  type ProcessOrderDependencies,
  processOrder,
} from '../use-cases/process-order.js';

/** Where the consumer writes its log lines; a Powertools `Logger` fits. */
export interface ConsumerLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** Counts what the consumer did, for metrics. */
export interface ConsumerMeter {
  /** An order moved by this delivery (`completed` or `failed`), not a redelivery left unchanged. */
  orderProcessed(outcome: string): void;
  recordFailed(poison: boolean): void;
  /** A record that can never succeed was moved to the dead-letter queue at once. */
  deadLettered?(): void;
}

/** A failed record and when it should be delivered again. */
export interface RetryDelay {
  readonly record: SQSRecord;
  readonly seconds: number;
}

/**
 * What the consumer does with the records it cannot process now, instead of leaving them to the
 * queue's visibility timeout and redrive.
 */
export interface FailedRecordRouter {
  /** Moves a record to the dead-letter queue at once, its body and attributes kept. */
  deadLetter(record: SQSRecord): Promise<void>;
  /** Makes failed records visible again after their delays. */
  retryAfter(delays: readonly RetryDelay[]): Promise<void>;
}

/**
 * Seconds before a record that failed on its `receiveCount`-th receive is delivered again: 2, 8,
 * 32, then 60 — a short wait for a passing fault, longer while it lasts.
 */
export const retryDelaySeconds = (receiveCount: number): number =>
  Math.min(60, 2 * 4 ** Math.max(0, receiveCount - 1));

/**
 * Thrown by a {@link ProcessRecordOrder} that processed its order but wants the record delivered
 * again, for something due after the order's changes (telling subscribers of them) that failed.
 * The record fails without counting as a consumer failure; the order counts as processed.
 */
export class RedeliveryWantedError extends Error {
  constructor(
    readonly processed: ProcessedOrder,
    options?: ErrorOptions,
  ) {
    super(`Order ${processed.order.id} was processed; its message is wanted again.`, options);
    this.name = 'RedeliveryWantedError';
  }
}

/** Thrown for records not started because the invocation's time ran low. */
class OutOfTimeError extends Error {
  constructor() {
    super('The invocation is about to time out; the record is left for the next one.');
    this.name = 'OutOfTimeError';
  }
}

/** Processes the order of one record, delivered for the `receiveCount`-th time. */
export type ProcessRecordOrder = (
  deps: ProcessOrderDependencies,
  orderId: string,
  receiveCount: number,
) => Promise<ProcessedOrder>;

export interface ConsumerHandlerOptions {
  readonly deps: ProcessOrderDependencies;
  /** @default {@link processOrder} */
  readonly process?: ProcessRecordOrder;
  readonly logger: ConsumerLogger;
  /** @default counts nothing */
  readonly meter?: ConsumerMeter;
  /**
   * Dead-letters poison records at once and retries the others after {@link retryDelaySeconds}.
   * @default failed records wait for the visibility timeout; the redrive moves poison after
   * its receives
   */
  readonly failures?: FailedRecordRouter;
  /** @default {@link retryDelaySeconds} */
  readonly retryDelay?: (receiveCount: number) => number;
  /**
   * No record is started once the invocation has less time than this left (from the Lambda
   * context); the rest are handed back at once, so that a batch never times out. @default 3_000
   */
  readonly stopWhenLeftMs?: number;
}

/** Handles one batch of the order queue and names the records to deliver again. */
export type ConsumerHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

/** Whether no retry can help: the message itself is at fault. */
const isPoison = (error: unknown) =>
  error instanceof InvalidOrderMessageError || error instanceof OrderNotFoundError;

const recordFields = (record: SQSRecord) => ({
  messageId: record.messageId,
  messageGroupId: record.attributes.MessageGroupId,
  receiveCount: Number(record.attributes.ApproximateReceiveCount),
});

/**
 * The order queue's consumer: processes each record of a FIFO batch in order and reports the
 * failed ones as `batchItemFailures`. Once a record fails, the later records of its message group
 * are not processed and are reported too, so a group never runs out of order; other groups go on.
 * A failed record is delivered again until the queue's redrive moves it to the dead-letter queue.
 */
export function createConsumerHandler(options: ConsumerHandlerOptions): ConsumerHandler {
  const { deps, logger, meter, failures } = options;
  const processRecord = options.process ?? ((d, orderId) => processOrder(d, orderId));
  const retryDelay = options.retryDelay ?? retryDelaySeconds;
  const stopWhenLeftMs = options.stopWhenLeftMs ?? 3_000;
  return async (event, context) => {
    const attempted = new Set<string>();
    const notStarted = new Set<string>();
    const recordHandler = async (record: SQSRecord) => {
      if (context && context.getRemainingTimeInMillis() < stopWhenLeftMs) {
        notStarted.add(record.messageId);
        throw new OutOfTimeError();
      }
      attempted.add(record.messageId);
      try {
        const message = parseOrderMessage(record.body);
        const { order, outcome } = await processRecord(
          deps,
          message.orderId,
          Number(record.attributes.ApproximateReceiveCount),
        );
        logger.info('Order message processed', {
          ...recordFields(record),
          orderId: order.id,
          status: order.status,
          outcome,
        });
        if (outcome !== 'unchanged') meter?.orderProcessed(outcome);
      } catch (error) {
        if (error instanceof RedeliveryWantedError) {
          const { order, outcome } = error.processed;
          logger.warn('Order message processed; it is delivered again', {
            ...recordFields(record),
            orderId: order.id,
            status: order.status,
            outcome,
            error: error.cause,
          });
          if (outcome !== 'unchanged') meter?.orderProcessed(outcome);
          throw error;
        }
        const poison = isPoison(error);
        logger.error('Order message failed', { ...recordFields(record), poison, error });
        meter?.recordFailed(poison);
        if (poison && failures) {
          try {
            await failures.deadLetter(record);
          } catch (deadLetterError) {
            logger.warn('Moving a poison message to the dead-letter queue failed; it is retried', {
              ...recordFields(record),
              error: deadLetterError,
            });
            throw error;
          }
          // Moved: acknowledged here, so that its customer's later orders go on.
          logger.warn('Poison order message moved to the dead-letter queue', recordFields(record));
          meter?.deadLettered?.();
          return;
        }
        throw error;
      }
    };
    // A processor per batch: it holds the batch's state, and local runs may overlap batches.
    const processor = new SqsFifoPartialProcessorAsync();
    const response = await processPartialResponse(event, recordHandler, processor, {
      ...(context && { context }),
      skipGroupOnError: true,
      // Every record listed as failed has the same effect as an error, without counting one.
      throwOnFullBatchFailure: false,
    });
    const delays: RetryDelay[] = [];
    for (const { itemIdentifier } of response.batchItemFailures) {
      const record = event.Records.find((r) => r.messageId === itemIdentifier);
      if (record === undefined) continue;
      // Records not started did nothing wrong: they come back at once.
      const seconds = notStarted.has(itemIdentifier)
        ? 0
        : retryDelay(Number(record.attributes.ApproximateReceiveCount));
      delays.push({ record, seconds });
      if (attempted.has(itemIdentifier)) continue;
      logger.warn(
        notStarted.has(itemIdentifier)
          ? 'Order message handed back: the invocation was about to time out'
          : 'Order message skipped after an earlier failure in its message group',
        recordFields(record),
      );
    }
    if (failures && delays.length > 0) {
      try {
        await failures.retryAfter(delays);
      } catch (error) {
        // They come back after the visibility timeout instead.
        logger.warn('Setting the retry delay of failed order messages failed', { error });
      }
    }
    return response;
  };
}
