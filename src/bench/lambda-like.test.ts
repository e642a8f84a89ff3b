import { describe, expect, it } from 'vitest';
import { lambdaV8Flags } from '../../infra/bundling.js';
import type { DeployedFunction } from '../../infra/lib/deployed-functions.js';
import type { LocalResources } from '../local/resources.js';
import { lambdaRuntimeEnv } from '../tools/lambda/lambda-process.js';
import { lambdaLikeEnv } from './lambda-like.js';

const resources: LocalResources = {
  tableName: 'bench-orders',
  queueUrl: 'http://127.0.0.1:1/000000000000/bench-orders.fifo',
  deadLetterQueueUrl: 'http://127.0.0.1:1/000000000000/bench-orders-dlq.fifo',
  topicArn: 'arn:aws:sns:us-east-1:000000000000:bench-order-alerts',
  alertQueueUrl: 'http://127.0.0.1:1/000000000000/alerts',
};
const endpoints = {
  dynamodb: 'https://127.0.0.1:2',
  sqs: 'http://127.0.0.1:3',
  sns: 'http://127.0.0.1:3',
};
const fn = (environment: Record<string, unknown>): DeployedFunction => ({
  entry: 'src/handlers/graphql.ts',
  memoryMb: 1024,
  runtime: 'nodejs24.x',
  architectures: ['x86_64'],
  environment,
});

describe('lambdaV8Flags', () => {
  it('gives 5 % of the memory to the semi-space and 90 % to the old space, as Lambda does', () => {
    expect(lambdaV8Flags(1024)).toEqual([
      '--expose-gc',
      '--max-semi-space-size=51',
      '--max-old-space-size=922',
    ]);
  });
});

describe('lambdaLikeEnv', () => {
  it('keeps the stack’s plain values and NODE_OPTIONS and maps references to local resources', () => {
    const env = lambdaLikeEnv(
      fn({
        AUTH_MODE: 'apigateway',
        NODE_OPTIONS: '--enable-source-maps',
        ORDERS_TABLE_NAME: { Ref: 'OrdersTable' },
        ORDER_ALERTS_TOPIC_ARN: { Ref: 'Topic' },
      }),
      resources,
      endpoints,
      '/task',
      () => {},
    );

    expect(env).toMatchObject({
      AUTH_MODE: 'apigateway',
      NODE_OPTIONS: '--enable-source-maps',
      ORDERS_TABLE_NAME: 'bench-orders',
      ORDER_ALERTS_TOPIC_ARN: resources.topicArn,
      AWS_ENDPOINT_URL_DYNAMODB: 'https://127.0.0.1:2',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
      LAMBDA_TASK_ROOT: '/task',
    });
  });

  it('passes nothing of this machine’s environment, NODE_EXTRA_CA_CERTS included', () => {
    const env = lambdaLikeEnv(fn({ AUTH_MODE: 'off' }), resources, endpoints, '/task', () => {});
    const lambdaOwn = Object.keys(
      lambdaRuntimeEnv({ functionName: 'f', memoryMb: 1, region: 'r', taskRoot: '/' }),
    );

    expect(Object.keys(env).sort()).toEqual(
      [
        ...lambdaOwn,
        'AUTH_MODE',
        'AWS_ENDPOINT_URL_DYNAMODB',
        'AWS_ENDPOINT_URL_SQS',
        'AWS_ENDPOINT_URL_SNS',
      ].sort(),
    );
    expect(lambdaOwn).not.toContain('NODE_EXTRA_CA_CERTS');
    expect(lambdaOwn).not.toContain('NODE_OPTIONS');
  });

  it('warns and fills in a placeholder when a reference has no local resource', () => {
    const warnings: string[] = [];
    const env = lambdaLikeEnv(
      fn({ NEW_TABLE: { Ref: 'Other' } }),
      resources,
      endpoints,
      '/task',
      (line) => warnings.push(line),
    );

    expect(env.NEW_TABLE).toBe('bench');
    expect(warnings).toEqual([expect.stringContaining('NEW_TABLE')]);
  });
});
