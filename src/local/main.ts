import { once } from 'node:events';
import { resolve } from 'node:path';
import { createAwsClients, createLongPollSqsClient } from '../adapters/aws/clients.js';
import { createOrderDependencies } from '../adapters/aws/order-dependencies.js';
import { withPublishing } from '../adapters/aws/realtime-dependencies.js';
import { SqsFailedRecordRouter } from '../adapters/aws/sqs-failed-records.js';
import { ConfigError, parseConfig } from '../config.js';
import { createConsumerHandler } from '../consumer/create-consumer-handler.js';
import type { Order } from '../domain/order.js';
import { recordCompletionOnly } from '../domain/order-processing.js';
import { createAuthenticator } from '../graphql/authentication.js';
import { createHttpApiHandler } from '../graphql/lambda-handler.js';
import { publishingOrderProcessor } from '../realtime/publishing-order-processor.js';
import { startAlertPrinter } from './alert-printer.js';
import { apiConsoleLogger, processorConsoleLogger } from './console-loggers.js';
import { createLocalSigningKey, LOCAL_ISSUER } from './dev-tokens.js';
import { type Emulators, startEmulators } from './emulators.js';
import { createHttpGateway } from './http-gateway.js';
import { startQueuePoller } from './queue-poller.js';
import { startLocalRealtime } from './realtime.js';
import { ensureResources } from './resources.js';
import { startSweeper } from './sweeper.js';

const env = process.env;
const usesOwnResources = Boolean(
  env.ORDERS_TABLE_NAME || env.ORDERS_QUEUE_URL || env.ORDER_ALERTS_TOPIC_ARN,
);
const port = Number(env.PORT ?? 4000);
const host = env.HOST ?? '127.0.0.1';
const flag = (name: string, fallback: boolean) =>
  ['true', '1'].includes((env[name] ?? String(fallback)).toLowerCase());
const sweepIntervalMs = Number(env.SWEEP_INTERVAL_MS ?? 30_000);

env.AWS_REGION ??= 'us-east-1';
// The SDK versions are pinned; its notice about future Node releases is not actionable here.
env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
env.GRAPHQL_INTROSPECTION ??= 'true';
env.GRAPHQL_SANDBOX ??= 'true';
env.AUTH_MODE ??= 'off';

const dataPath = resolve(env.DATA_DIR ?? '.data', 'dynamodb');
let emulators: Emulators | undefined;
let alertQueueUrl = env.ALERTS_INBOX_QUEUE_URL;
let deadLetterQueueUrl = env.ORDERS_DLQ_URL;
if (!usesOwnResources) {
  // Emulators accept any credentials; set placeholders only when none are configured.
  env.AWS_ACCESS_KEY_ID ??= 'local';
  env.AWS_SECRET_ACCESS_KEY ??= 'local';
  emulators = await startEmulators({
    dataPath,
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
  deadLetterQueueUrl = resources.deadLetterQueueUrl;
}

// With AUTH_MODE=jwt and no key given, a fresh local key signs sample tokens printed below.
const signingKey =
  env.AUTH_MODE === 'jwt' && !env.JWT_PUBLIC_KEY ? await createLocalSigningKey() : undefined;
if (signingKey) {
  env.JWT_PUBLIC_KEY = signingKey.publicKeyPem;
  env.JWT_ISSUER ??= LOCAL_ISSUER;
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
// Subscriptions run on the emulators, or against AWS when a subscription table is named.
const realtime =
  !usesOwnResources || env.SUBSCRIPTIONS_TABLE_NAME
    ? await startLocalRealtime({
        clients,
        region: config.region,
        tableName: env.SUBSCRIPTIONS_TABLE_NAME ?? 'subscriptions',
        auth: config.auth,
        logger: apiConsoleLogger,
        introspection: config.introspection,
      })
    : undefined;
const storedDeps = createOrderDependencies(clients, config);
const onPublishFailure = (order: Order, error: unknown) =>
  console.warn(`[subscriptions] order ${order.id} not published to every subscriber`, error);
const deps = realtime ? withPublishing(storedDeps, realtime.publish, onPublishFailure) : storedDeps;
const handler = createHttpApiHandler({
  deps,
  authenticate: createAuthenticator(config.auth),
  introspection: config.introspection,
  sandbox: config.sandbox,
  logger: apiConsoleLogger,
});
const server = createHttpGateway(handler);
realtime?.serve(server, storedDeps.store, Number(env.RECONCILE_INTERVAL_MS ?? 10_000));
server.listen(port, host);
await once(server, 'listening');

// Long polls get a client of their own: the shared one's attempts end after a second.
const pollingSqs = createLongPollSqsClient(config.region, 20);
const alerts = alertQueueUrl ? startAlertPrinter(pollingSqs, alertQueueUrl) : undefined;
const processor = flag('LOCAL_CONSUMER', true)
  ? await startQueuePoller({
      sqs: pollingSqs,
      queueUrl: config.queueUrl,
      ...(deadLetterQueueUrl && { deadLetterQueueUrl }),
      handler: createConsumerHandler({
        deps: { store: storedDeps.store, clock: deps.clock, fulfilment: recordCompletionOnly },
        ...(realtime && {
          process: publishingOrderProcessor({
            session: realtime.session,
            onFailure: onPublishFailure,
          }),
        }),
        logger: processorConsoleLogger,
        ...(deadLetterQueueUrl && {
          failures: new SqsFailedRecordRouter(clients.sqs, config.queueUrl, deadLetterQueueUrl),
        }),
      }),
      // As in AWS: the consumer sets each failed message's retry delay.
      retryDelaySeconds: deadLetterQueueUrl ? null : 1,
      onDeadLetter: (m) =>
        console.warn(
          `[dead-letter queue] message ${m.messageId} (customer ${m.messageGroupId}) moved after ${m.receiveCount} receives`,
        ),
      onError: (error) => console.error('[order processor] polling failed; retrying', error),
    })
  : undefined;
const sweeper = flag('LOCAL_SWEEPER', true)
  ? startSweeper({
      deps,
      intervalMs: sweepIntervalMs,
      onRedispatched: (s) =>
        console.log(
          `[sweeper] re-dispatched ${s.redispatched} order(s) whose queue message or alert was missing`,
        ),
    })
  : undefined;

const url = `http://${host === '127.0.0.1' ? 'localhost' : host}:${port}/graphql`;
const authLine = {
  off: 'off: every caller is trusted (AUTH_MODE=jwt turns on token checks)',
  jwt: `JWT bearer tokens, issuer ${config.auth.mode === 'jwt' ? config.auth.issuer : ''}`,
  apigateway: 'claims from an API Gateway authorizer (not available locally)',
  cognito: `Cognito tokens of ${config.auth.mode === 'cognito' ? config.auth.userPoolId : ''}`,
}[config.auth.mode];
console.log(
  [
    '',
    'Order API is running',
    `  GraphQL endpoint   ${url}${config.sandbox ? '  (open it in a browser for Apollo Sandbox)' : ''}`,
    `  Subscriptions      ${realtime ? `${url.replace(/^http/, 'ws')}  (graphql-transport-ws; Sandbox's subscription tab)` : 'off (set SUBSCRIPTIONS_TABLE_NAME)'}`,
    `  Authentication     ${authLine}`,
    `  DynamoDB           ${env.AWS_ENDPOINT_URL_DYNAMODB ?? 'AWS'}  table ${config.tableName}${emulators ? ` (data kept in ${dataPath})` : ''}`,
    `  SQS FIFO queue     ${config.queueUrl}`,
    `  Dead-letter queue  ${deadLetterQueueUrl ?? 'not watched (set ORDERS_DLQ_URL)'}`,
    ...(deadLetterQueueUrl
      ? [
          `    inspect, redrive AWS_ENDPOINT_URL_SQS=${env.AWS_ENDPOINT_URL_SQS ?? ''} ORDERS_DLQ_URL=${deadLetterQueueUrl} ORDERS_QUEUE_URL=${config.queueUrl} npm run dlq -- list`,
        ]
      : []),
    `  SNS alert topic    ${config.topicArn}`,
    `  Admin alerts       ${alerts ? 'printed below as [admin alert] lines' : 'not shown (set ALERTS_INBOX_QUEUE_URL to a queue subscribed to the topic)'}`,
    `  Order processor    ${processor ? 'consuming the queue; [order processor] lines below' : 'off (LOCAL_CONSUMER=false)'}`,
    `  Sweeper            ${sweeper ? `every ${sweepIntervalMs / 1000} s, re-dispatches stranded orders` : 'off (LOCAL_SWEEPER=false)'}`,
    '  Stop with Ctrl-C',
    '',
  ].join('\n'),
);
if (signingKey) {
  const [customer, admin] = await Promise.all([
    signingKey.sign({ subject: 'customer-1', expiresIn: '12h' }),
    signingKey.sign({ subject: 'ops', groups: ['admins'], expiresIn: '12h' }),
  ]);
  console.log(
    `Sample tokens (12 h), send as "authorization: Bearer <token>":\n  customer-1  ${customer}\n  admin       ${admin}\n`,
  );
}

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping`);
  await realtime?.stop();
  server.closeAllConnections();
  server.close();
  await Promise.all([alerts?.stop(), processor?.stop(), sweeper?.stop()]);
  await emulators?.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
