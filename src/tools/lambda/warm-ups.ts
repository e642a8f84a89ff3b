import type { Context } from 'aws-lambda';
import type { LambdaEntryName } from '../../../infra/bundling.js';
import { graphqlHttpEvent, lambdaContext, OPERATIONS } from '../../bench/events.js';
import { connectEvent, disconnectEvent } from '../../local/websocket-events.js';

/** One invocation run before a function's code cache is taken. */
export interface WarmUp {
  readonly name: string;
  /** The exported handler to call. */
  readonly handler: string;
  readonly event: unknown;
  readonly context: Omit<Context, 'getRemainingTimeInMillis'>;
}

const now = new Date('2026-01-01T00:00:00.000Z');

/** An EventBridge schedule's event. */
const SCHEDULED = {
  version: '0',
  id: 'warm-up',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: now.toISOString(),
  region: 'us-east-1',
  resources: [],
  detail: {},
};

/** The WebSocket connection the warm-ups open and close. */
const WS_CONNECTION = { connectionId: 'warm-up', connectedAt: now.getTime() };

/**
 * The invocations each function runs before its cache is taken: its most frequent request, so
 * that the cache holds the code a first request runs and not only the module's top level. They
 * read or write the emulators only; an order they ask for does not exist.
 */
export const WARM_UPS: Record<LambdaEntryName, readonly WarmUp[]> = {
  graphql: [
    {
      name: 'order(id)',
      handler: 'handler',
      event: graphqlHttpEvent(OPERATIONS.order, { id: 'ord_warm-up' }, 'warm-up'),
      context: lambdaContext('warm-up'),
    },
  ],
  processOrders: [
    {
      name: 'an SQS record of an unknown order',
      handler: 'handler',
      event: {
        Records: [
          {
            messageId: 'warm-up',
            receiptHandle: 'warm-up',
            body: JSON.stringify({ schemaVersion: 1, order: { id: 'ord_warm-up' } }),
            attributes: {
              ApproximateReceiveCount: '1',
              SentTimestamp: String(now.getTime()),
              SenderId: 'warm-up',
              ApproximateFirstReceiveTimestamp: String(now.getTime()),
              MessageGroupId: 'warm-up',
              MessageDeduplicationId: 'warm-up',
            },
            messageAttributes: {},
            md5OfBody: '',
            eventSource: 'aws:sqs',
            eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:warm-up.fifo',
            awsRegion: 'us-east-1',
          },
        ],
      },
      context: lambdaContext('warm-up'),
    },
  ],
  sweepOrders: [
    {
      name: 'a scheduled sweep',
      handler: 'handler',
      event: SCHEDULED,
      context: lambdaContext('warm-up'),
    },
  ],
  // The handshake and the close of a connection whose token comes with `connection_init`: both
  // reach the subscription table only (a `connection_init` would verify a token against Cognito's
  // keys and answer through API Gateway, neither of which a warm-up can reach).
  graphqlWs: [
    {
      name: '$connect',
      handler: 'handler',
      event: connectEvent({
        ...WS_CONNECTION,
        headers: { 'Sec-WebSocket-Protocol': 'graphql-transport-ws' },
      }),
      context: lambdaContext('warm-up'),
    },
    {
      name: '$disconnect',
      handler: 'handler',
      event: disconnectEvent({ ...WS_CONNECTION, statusCode: 1000 }),
      context: lambdaContext('warm-up'),
    },
  ],
  reconcileSubscriptions: [
    {
      name: 'a scheduled reconciliation',
      handler: 'handler',
      event: SCHEDULED,
      context: lambdaContext('warm-up'),
    },
  ],
};
