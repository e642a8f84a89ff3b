import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { OrderNotFoundError } from '../domain/errors.js';
import { InvalidOrderMessageError, parseOrderMessage } from '../domain/order-message.js';
import { type ProcessOrderDependencies, processOrder } from '../use-cases/process-order.js';

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
}

export interface ConsumerHandlerOptions {
  readonly deps: ProcessOrderDependencies;
  readonly logger: ConsumerLogger;
  /** @default counts nothing */
  readonly meter?: ConsumerMeter;
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
  const { deps, logger, meter } = options;
  return async (event, context) => {
    const attempted = new Set<string>();
    const recordHandler = async (record: SQSRecord) => {
      attempted.add(record.messageId);
      try {
        const message = parseOrderMessage(record.body);
        const { order, outcome } = await processOrder(deps, message.orderId);
        logger.info('Order message processed', {
          ...recordFields(record),
          orderId: order.id,
          status: order.status,
          outcome,
        });
        if (outcome !== 'unchanged') meter?.orderProcessed(outcome);
      } catch (error) {
        logger.error('Order message failed', {
          ...recordFields(record),
          poison: isPoison(error),
          error,
        });
        meter?.recordFailed(isPoison(error));
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
    for (const { itemIdentifier } of response.batchItemFailures) {
      if (attempted.has(itemIdentifier)) continue;
      const record = event.Records.find((r) => r.messageId === itemIdentifier);
      logger.warn('Order message skipped after an earlier failure in its message group', {
        ...(record ? recordFields(record) : { messageId: itemIdentifier }),
      });
    }
    return response;
  };
}
