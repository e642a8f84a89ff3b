import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseConsumerConfig } from './config.js';

const apiEnv = {
  AWS_REGION: 'eu-west-1',
  ORDERS_TABLE_NAME: 'orders',
  ORDERS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo',
  ORDER_ALERTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:order-alerts',
};

describe('parseConsumerConfig', () => {
  it('reads the region and table when only they are set', () => {
    expect(parseConsumerConfig({ AWS_REGION: 'eu-west-1', ORDERS_TABLE_NAME: ' orders ' })).toEqual(
      {
        region: 'eu-west-1',
        tableName: 'orders',
      },
    );
  });

  it('names every missing variable when the environment is empty', () => {
    expect(() => parseConsumerConfig({})).toThrow(ConfigError);
    expect(() => parseConsumerConfig({})).toThrow(
      expect.objectContaining({
        problems: ['AWS_REGION is required', 'ORDERS_TABLE_NAME is required'],
      }),
    );
  });
});

describe('parseConfig', () => {
  it('reads every key when the API environment is complete', () => {
    expect(parseConfig({ ...apiEnv, GRAPHQL_SANDBOX: 'true' })).toEqual({
      region: 'eu-west-1',
      tableName: 'orders',
      queueUrl: apiEnv.ORDERS_QUEUE_URL,
      topicArn: apiEnv.ORDER_ALERTS_TOPIC_ARN,
      introspection: false,
      sandbox: true,
    });
  });

  it('names every problem when values are missing or malformed', () => {
    const env = { ORDERS_QUEUE_URL: 'https://example.com/orders', GRAPHQL_INTROSPECTION: 'yes' };
    expect(() => parseConfig(env)).toThrow(
      expect.objectContaining({
        problems: [
          'AWS_REGION is required',
          'ORDERS_TABLE_NAME is required',
          'ORDERS_QUEUE_URL must be the URL of a FIFO queue (…/name.fifo)',
          'ORDER_ALERTS_TOPIC_ARN is required',
          'GRAPHQL_INTROSPECTION must be true or false',
        ],
      }),
    );
  });
});
