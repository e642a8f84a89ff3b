import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';

const complete = {
  AWS_REGION: 'eu-west-1',
  ORDERS_TABLE_NAME: 'orders',
  ORDERS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo',
  ORDER_ALERTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:order-alerts',
};

describe('parseConfig', () => {
  it('reads every key when the environment is complete', () => {
    expect(parseConfig({ ...complete, GRAPHQL_SANDBOX: 'true' })).toEqual({
      region: 'eu-west-1',
      tableName: 'orders',
      queueUrl: complete.ORDERS_QUEUE_URL,
      topicArn: complete.ORDER_ALERTS_TOPIC_ARN,
      introspection: false,
      sandbox: true,
    });
  });

  it('names every missing or malformed variable at once', () => {
    let error: unknown;
    try {
      parseConfig({ ORDERS_QUEUE_URL: 'https://sqs/orders', GRAPHQL_INTROSPECTION: 'yes' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'AWS_REGION is required',
      'ORDERS_TABLE_NAME is required',
      'ORDERS_QUEUE_URL must be the URL of a FIFO queue (…/name.fifo)',
      'ORDER_ALERTS_TOPIC_ARN is required',
      'GRAPHQL_INTROSPECTION must be true or false',
    ]);
  });
});
