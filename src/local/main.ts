import { once } from 'node:events';
import { resolve } from 'node:path';
import { createAwsClients } from '../adapters/aws/clients.js';
import { createOrderDependencies } from '../adapters/aws/order-dependencies.js';
import { ConfigError, parseConfig } from '../config.js';
import { createAuthenticator } from '../graphql/authentication.js';
import { createHttpApiHandler } from '../graphql/lambda-handler.js';
import { startAlertPrinter } from './alert-printer.js';
import { type Emulators, startEmulators } from './emulators.js';
import { createHttpGateway } from './http-gateway.js';
import { ensureResources } from './resources.js';

const env = process.env;
const usesOwnResources = Boolean(
  env.ORDERS_TABLE_NAME || env.ORDERS_QUEUE_URL || env.ORDER_ALERTS_TOPIC_ARN,
);
const port = Number(env.PORT ?? 4000);
const host = env.HOST ?? '127.0.0.1';

env.AWS_REGION ??= 'us-east-1';
// The SDK versions are pinned; its notice about future Node releases is not actionable here.
env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
env.GRAPHQL_INTROSPECTION ??= 'true';
env.GRAPHQL_SANDBOX ??= 'true';
env.AUTH_MODE ??= 'off';

let emulators: Emulators | undefined;
let alertQueueUrl = env.ALERTS_INBOX_QUEUE_URL;
if (!usesOwnResources) {
  // Emulators accept any credentials; set placeholders only when none are configured.
  env.AWS_ACCESS_KEY_ID ??= 'local';
  env.AWS_SECRET_ACCESS_KEY ??= 'local';
  emulators = await startEmulators({
    dataPath: resolve(env.DATA_DIR ?? '.data', 'dynamodb'),
    ...(env.DYNAMODB_PORT && { dynamodbPort: Number(env.DYNAMODB_PORT) }),
    ...(env.MESSAGING_PORT && { messagingPort: Number(env.MESSAGING_PORT) }),
  });
  env.AWS_ENDPOINT_URL_DYNAMODB = emulators.dynamodbEndpoint;
  env.AWS_ENDPOINT_URL_SQS = emulators.messagingEndpoint;
  env.AWS_ENDPOINT_URL_SNS = emulators.messagingEndpoint;
  const resources = await ensureResources(createAwsClients(env.AWS_REGION), {
    table: 'orders',
    queue: 'orders',
    topic: 'order-alerts',
  });
  env.ORDERS_TABLE_NAME = resources.tableName;
  env.ORDERS_QUEUE_URL = resources.queueUrl;
  env.ORDER_ALERTS_TOPIC_ARN = resources.topicArn;
  alertQueueUrl = resources.alertQueueUrl;
}

let config: ReturnType<typeof parseConfig>;
try {
  config = parseConfig(env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(
    `${error.message}\nSet all three resource variables, or none to run on local emulators.`,
  );
  await emulators?.stop();
  process.exit(1);
}

const clients = createAwsClients(config.region);
const deps = createOrderDependencies(clients, config);
const handler = createHttpApiHandler({
  deps,
  authenticate: await createAuthenticator(config.auth),
  introspection: config.introspection,
  sandbox: config.sandbox,
  logger: console,
});
const server = createHttpGateway(handler);
server.listen(port, host);
await once(server, 'listening');
const alerts = alertQueueUrl ? startAlertPrinter(clients.sqs, alertQueueUrl) : undefined;

const url = `http://${host === '127.0.0.1' ? 'localhost' : host}:${port}/graphql`;
console.log(
  [
    '',
    'Order API is running',
    `  GraphQL endpoint   ${url}${config.sandbox ? '  (open it in a browser for Apollo Sandbox)' : ''}`,
    `  DynamoDB           ${env.AWS_ENDPOINT_URL_DYNAMODB ?? 'AWS'}  table ${config.tableName}${emulators ? ' (data kept in .data/)' : ''}`,
    `  SQS FIFO queue     ${config.queueUrl}`,
    `  SNS alert topic    ${config.topicArn}`,
    `  Admin alerts       ${alerts ? 'printed below as [admin alert] lines' : 'not shown (set ALERTS_INBOX_QUEUE_URL to a queue subscribed to the topic)'}`,
    '  Stop with Ctrl-C',
    '',
  ].join('\n'),
);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping`);
  server.closeAllConnections();
  server.close();
  await alerts?.stop();
  await emulators?.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
