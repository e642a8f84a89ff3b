import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HTTP_TIMEOUTS, longPollTimeouts } from './client-options.js';
import { toDocumentClient } from './document-client.js';

export interface AwsClients {
  /** The low-level client, for table administration. */
  readonly dynamodb: DynamoDBClient;
  /** The document client the order store uses. */
  readonly dynamo: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
}

/** Endpoints to use instead of AWS's; unset ones fall back to `AWS_ENDPOINT_URL_*` or AWS. */
export interface AwsEndpoints {
  readonly dynamodb?: string;
  readonly sqs?: string;
  readonly sns?: string;
}

/**
 * Builds the SDK clients once. The SQS client sends to its regional (or configured) endpoint
 * rather than to the host inside the queue URL, which emulators may fill with unresolvable names.
 */
export function createAwsClients(region: string, endpoints: AwsEndpoints = {}): AwsClients {
  const dynamodb = new DynamoDBClient({
    region,
    ...HTTP_TIMEOUTS,
    ...(endpoints.dynamodb && { endpoint: endpoints.dynamodb }),
  });
  return {
    dynamodb,
    dynamo: toDocumentClient(dynamodb),
    sqs: new SQSClient({
      region,
      ...HTTP_TIMEOUTS,
      useQueueUrlAsEndpoint: false,
      ...(endpoints.sqs && { endpoint: endpoints.sqs }),
    }),
    sns: new SNSClient({
      region,
      ...HTTP_TIMEOUTS,
      ...(endpoints.sns && { endpoint: endpoints.sns }),
    }),
  };
}

/**
 * An SQS client for long polls only (the local queue poller and alert printer): its attempts may
 * last the whole wait, where the shared client's would time out.
 */
export function createLongPollSqsClient(
  region: string,
  waitTimeSeconds: number,
  endpoint?: string,
): SQSClient {
  return new SQSClient({
    region,
    ...longPollTimeouts(waitTimeSeconds),
    useQueueUrlAsEndpoint: false,
    ...(endpoint && { endpoint }),
  });
}
