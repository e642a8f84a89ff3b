import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  parseConfig,
  parseConsumerConfig,
  parseRealtimeConfig,
  parseWebSocketConfig,
} from './config.js';

const complete = {
  AWS_REGION: 'eu-west-1',
  ORDERS_TABLE_NAME: 'orders',
  ORDERS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo',
  ORDER_ALERTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:order-alerts',
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    parseConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('parseConfig', () => {
  it('reads every key and defaults to API Gateway authentication when the environment is complete', () => {
    expect(parseConfig({ ...complete, GRAPHQL_SANDBOX: 'true' })).toEqual({
      region: 'eu-west-1',
      tableName: 'orders',
      queueUrl: complete.ORDERS_QUEUE_URL,
      topicArn: complete.ORDER_ALERTS_TOPIC_ARN,
      introspection: false,
      sandbox: true,
      auth: { mode: 'apigateway', adminGroup: 'admins' },
      alerts: 'each',
    });
  });

  it('reads the digest alert mode, in any case, and refuses another', () => {
    expect(parseConfig({ ...complete, ALERT_MODE: 'Digest' }).alerts).toBe('digest');
    expect(problemsOf({ ...complete, ALERT_MODE: 'hourly' })).toEqual([
      'ALERT_MODE must be one of each, digest',
    ]);
  });

  it('names every missing or malformed variable at once', () => {
    expect(
      problemsOf({
        ORDERS_QUEUE_URL: 'https://sqs/orders',
        GRAPHQL_INTROSPECTION: 'yes',
        AUTH_MODE: 'maybe',
      }),
    ).toEqual([
      'AWS_REGION is required',
      'ORDERS_TABLE_NAME is required',
      'ORDERS_QUEUE_URL must be the URL of a FIFO queue (…/name.fifo)',
      'ORDER_ALERTS_TOPIC_ARN is required',
      'GRAPHQL_INTROSPECTION must be one of true, false, 1, 0',
      'AUTH_MODE must be one of apigateway, jwt, cognito, off',
    ]);
  });

  it('requires a key and an issuer when tokens are verified in the function', () => {
    expect(problemsOf({ ...complete, AUTH_MODE: 'jwt', JWT_PUBLIC_KEY: 'secret' })).toEqual([
      'JWT_PUBLIC_KEY must be a PEM public key',
      'JWT_ISSUER is required',
    ]);
  });
});

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
    expect(problemsOf({}).slice(0, 2)).toEqual([
      'AWS_REGION is required',
      'ORDERS_TABLE_NAME is required',
    ]);
    expect(() => parseConsumerConfig({})).toThrow(
      expect.objectContaining({
        problems: ['AWS_REGION is required', 'ORDERS_TABLE_NAME is required'],
      }),
    );
  });
});

describe('parseRealtimeConfig and parseWebSocketConfig', () => {
  const realtime = {
    SUBSCRIPTIONS_TABLE_NAME: 'subscriptions',
    WEBSOCKET_CALLBACK_URL: 'https://abc.execute-api.eu-west-1.amazonaws.com/live',
  };

  it('publishes to no one when neither subscription variable is set, and names the missing one of two', () => {
    expect(parseRealtimeConfig({})).toBeUndefined();
    expect(parseRealtimeConfig(realtime)).toEqual({
      subscriptionsTableName: 'subscriptions',
      callbackUrl: realtime.WEBSOCKET_CALLBACK_URL,
    });
    expect(() => parseRealtimeConfig({ SUBSCRIPTIONS_TABLE_NAME: 's' })).toThrow(
      expect.objectContaining({ problems: ['WEBSOCKET_CALLBACK_URL is required'] }),
    );
  });

  it('reads the WebSocket function with Cognito tokens, and requires the pool and client', () => {
    const env = {
      ...complete,
      ...realtime,
      AUTH_MODE: 'cognito',
      COGNITO_USER_POOL_ID: 'eu-west-1_abc',
      COGNITO_CLIENT_ID: 'client',
    };
    expect(parseWebSocketConfig(env)).toMatchObject({
      auth: { mode: 'cognito', userPoolId: 'eu-west-1_abc', clientId: 'client' },
      realtime: { subscriptionsTableName: 'subscriptions' },
    });
    expect(() => parseWebSocketConfig({ ...complete, ...realtime, AUTH_MODE: 'cognito' })).toThrow(
      expect.objectContaining({
        problems: ['COGNITO_USER_POOL_ID is required', 'COGNITO_CLIENT_ID is required'],
      }),
    );
  });
});
