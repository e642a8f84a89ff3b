/**
 * Names of the environment variables the handlers read. The first six mirror the keys of
 * `src/config.ts` (a test proves they match; infra imports no runtime code). `AWS_REGION` is
 * set by Lambda itself and must not be set by the stack.
 */
export const RUNTIME_ENV = {
  region: 'AWS_REGION',
  tableName: 'ORDERS_TABLE_NAME',
  queueUrl: 'ORDERS_QUEUE_URL',
  topicArn: 'ORDER_ALERTS_TOPIC_ARN',
  deadLetterQueueUrl: 'ORDERS_DLQ_URL',
  introspection: 'GRAPHQL_INTROSPECTION',
  sandbox: 'GRAPHQL_SANDBOX',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  authMode: 'AUTH_MODE',
  adminGroup: 'ADMIN_GROUP',
  adminIssuer: 'ADMIN_ISSUER',
  userPoolId: 'COGNITO_USER_POOL_ID',
  userPoolClientId: 'COGNITO_CLIENT_ID',
  adminUserPoolId: 'COGNITO_ADMIN_USER_POOL_ID',
  adminUserPoolClientId: 'COGNITO_ADMIN_CLIENT_ID',
  subscriptionsTableName: 'SUBSCRIPTIONS_TABLE_NAME',
  websocketCallbackUrl: 'WEBSOCKET_CALLBACK_URL',
  alerts: 'ALERT_MODE',
} as const;

/** CloudWatch namespace of the metrics the code emits in embedded metric format. */
export const METRICS_NAMESPACE = 'OrderProcessing';

/**
 * The `service` of each function: Powertools uses it for log records and as the `service`
 * dimension of every metric, so the dashboard finds metrics by it.
 */
export const SERVICE_NAMES = {
  api: 'order-api',
  consumer: 'order-processor',
  sweeper: 'order-sweeper',
  subscriptions: 'order-subscriptions',
  reconciler: 'order-subscription-reconciler',
} as const;

/** The Cognito group whose members may act as administrators. */
export const ADMIN_GROUP = 'admins';
