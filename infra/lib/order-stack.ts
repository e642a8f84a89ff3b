import {
  Annotations,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import { LAMBDA_ENTRIES, type LambdaEntryName } from '../bundling.js';
import { EncryptedTopic } from './constructs/encrypted-topic.js';
import { cognitoIssuer, GraphqlHttpApi } from './constructs/graphql-http-api.js';
import { OrderAlarms } from './constructs/order-alarms.js';
import { OrderDashboard } from './constructs/order-dashboard.js';
import { OrderFunction } from './constructs/order-function.js';
import { OrderQueues } from './constructs/order-queues.js';
import { OrderSubscriptions } from './constructs/order-subscriptions.js';
import { OrderTable } from './constructs/order-table.js';
import { OrderUserPool } from './constructs/order-user-pool.js';
import {
  ADMIN_GROUP,
  METRICS_NAMESPACE,
  RUNTIME_ENV,
  SERVICE_NAMES,
} from './runtime-environment.js';

/**
 * The consumer's timeout: a batch of ten order messages, each a few table reads and writes.
 * The order queue's visibility timeout is six times this.
 */
export const CONSUMER_TIMEOUT = Duration.seconds(30);

/**
 * Most consumer invocations at once; FIFO message groups bound it further. A batch of ten takes
 * about 250 ms in AWS (five table calls per order, in order), so 1 000 orders/s need about 25;
 * 50 leaves room to drain a burst.
 */
export const CONSUMER_MAX_CONCURRENCY = 50;

/** How often the sweeper looks for orders whose queue message or alert was never sent. */
export const SWEEP_INTERVAL = Duration.minutes(5);

/**
 * The longest digest interval: the sweeper then still runs well within its heartbeat alarm's
 * 15-minute window, and an order is listed before it counts as stranded.
 */
export const MAX_ALERT_DIGEST_MINUTES = 10;

/** Props of {@link OrderStack}. */
export interface OrderStackProps extends StackProps {
  /**
   * E-mail address for new-order alerts.
   * @default - no subscription; a warning says how to add one
   */
  readonly adminEmail?: string;
  /**
   * E-mail address for alarms; must differ from `adminEmail`, so that alarms do not drown in
   * per-order mail (a pager endpoint can be subscribed to the operations topic instead).
   * @default - no subscription; a warning says how to add one
   */
  readonly alarmEmail?: string;
  /**
   * Prefix of the runbook links in alarm descriptions, e.g. the URL of the repository's main
   * branch (`https://…/blob/main/`).
   * @default - paths relative to the repository root
   */
  readonly runbookBaseUrl?: string;
  /**
   * Browser origins allowed to call the API.
   * @default - none
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Whether the GraphQL schema may be introspected.
   * @default false
   */
  readonly graphqlIntrospection?: boolean;
  /**
   * Whether GET on the endpoint serves the Apollo Sandbox landing page.
   * @default false
   */
  readonly graphqlSandbox?: boolean;
  /**
   * Requests per second (and burst) the API's default stage admits before answering 429.
   * @default DEFAULT_THROTTLE (50/s, burst 100): raise it for a busy shop (docs/scale-and-cost.md)
   */
  readonly apiThrottle?: { readonly rateLimit: number; readonly burstLimit: number };
  /**
   * Send new-order alerts as a digest every so many minutes (1 to 10) instead of one per order:
   * the sweeper then runs at this interval and lists the orders received since its last run in
   * one alert (docs/scale-and-cost.md). Use it when a shop is busier than an inbox can follow.
   * @default - one alert per order, sent by the request that placed it
   */
  readonly alertDigestMinutes?: number;
  /**
   * Keep data when the stack is deleted: the table and user pool are retained and protected
   * against deletion, and logs and keys are kept. Set false only for throw-away stacks.
   * @default true
   */
  readonly retainData?: boolean;
}

/**
 * The order system in one stack: the GraphQL API behind an HTTP API with Cognito JWT
 * authorization, the orders table, the FIFO order queue and its consumer, the sweeper on a
 * schedule, the admin-alert topic, and alarms with a dashboard.
 */
export class OrderStack extends Stack {
  /** The orders table. */
  readonly orders: OrderTable;
  /** The order queue and its dead-letter queue. */
  readonly orderQueues: OrderQueues;
  /** The topic of new-order alerts for administrators. */
  readonly adminAlerts: EncryptedTopic;
  /** The topic alarms are sent to. */
  readonly operations: EncryptedTopic;
  /** The customers' user pool behind the API's authorizer. */
  readonly users: OrderUserPool;
  /** The administrators' user pool (TOTP MFA required) behind the admin route's authorizer. */
  readonly admins: OrderUserPool;
  /** Every function, by its entry name. */
  readonly functions: Readonly<Record<LambdaEntryName, OrderFunction>>;
  /** The HTTP API in front of the GraphQL function. */
  readonly graphqlApi: GraphqlHttpApi;
  /** The alarms. */
  readonly alarms: OrderAlarms;
  /** GraphQL subscriptions over the WebSocket API. */
  readonly subscriptions: OrderSubscriptions;

  constructor(scope: Construct, id: string, props: OrderStackProps = {}) {
    super(scope, id, props);
    const retain = props.retainData ?? true;
    const keep = retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const table = new OrderTable(this, 'Orders', { retain });
    const queues = new OrderQueues(this, 'OrderQueues', {
      consumerTimeout: CONSUMER_TIMEOUT,
      deadLetterRemovalPolicy: keep,
    });
    const alerts = new EncryptedTopic(this, 'AdminAlerts', {
      displayName: 'Order alerts',
      email: props.adminEmail,
      keyRemovalPolicy: keep,
    });
    const operations = new EncryptedTopic(this, 'Operations', {
      displayName: 'Order system alarms',
      email: props.alarmEmail,
      allowCloudWatchAlarms: true,
      keyRemovalPolicy: keep,
    });
    if (!props.adminEmail) {
      Annotations.of(this).addWarningV2(
        'order-system:no-admin-email',
        'No adminEmail given: new-order alerts reach no one. Deploy with -c adminEmail=ops@example.com to subscribe an address.',
      );
    }
    if (!props.alarmEmail) {
      Annotations.of(this).addWarningV2(
        'order-system:no-alarm-email',
        'No alarmEmail given: alarms reach no one. Deploy with -c alarmEmail=oncall@example.com, or subscribe a pager endpoint to the OperationsTopicArn output.',
      );
    } else if (props.alarmEmail.toLowerCase() === props.adminEmail?.toLowerCase()) {
      Annotations.of(this).addError(
        'alarmEmail must differ from adminEmail: alarms would drown in per-order alerts, and every alert recipient could unsubscribe the alarms.',
      );
    }
    const users = new OrderUserPool(this, 'Users', { audience: 'customers', retain });
    const admins = new OrderUserPool(this, 'Admins', {
      audience: 'administrators',
      adminGroupName: ADMIN_GROUP,
      retain,
    });

    const digestMinutes = props.alertDigestMinutes;
    if (
      digestMinutes !== undefined &&
      !(
        Number.isInteger(digestMinutes) &&
        digestMinutes >= 1 &&
        digestMinutes <= MAX_ALERT_DIGEST_MINUTES
      )
    ) {
      throw new Error(
        `alertDigestMinutes must be a whole number of minutes from 1 to ${MAX_ALERT_DIGEST_MINUTES}, not ${digestMinutes}.`,
      );
    }
    const sweepInterval =
      digestMinutes === undefined ? SWEEP_INTERVAL : Duration.minutes(digestMinutes);
    const shared = {
      [RUNTIME_ENV.tableName]: table.table.tableName,
      [RUNTIME_ENV.queueUrl]: queues.queue.queueUrl,
      [RUNTIME_ENV.topicArn]: alerts.topic.topicArn,
      [RUNTIME_ENV.metricsNamespace]: METRICS_NAMESPACE,
    };
    // The API and the sweeper must agree: in digest mode the API sends no alert, the sweeper does.
    const alertMode = { [RUNTIME_ENV.alerts]: digestMinutes === undefined ? 'each' : 'digest' };
    const functionDefaults = { logRemovalPolicy: keep } as const;

    // 1024 MB: Apollo's start-up is CPU-bound and Lambda's CPU grows with memory, so cold starts
    // shorten; 10 s bounds a request well inside API Gateway's 30 s integration limit.
    const api = new OrderFunction(this, 'GraphqlFunction', {
      ...functionDefaults,
      entry: LAMBDA_ENTRIES.graphql,
      description: 'Order system GraphQL API',
      memorySize: 1024,
      timeout: Duration.seconds(10),
      environment: {
        ...shared,
        [RUNTIME_ENV.serviceName]: SERVICE_NAMES.api,
        [RUNTIME_ENV.introspection]: String(props.graphqlIntrospection ?? false),
        [RUNTIME_ENV.sandbox]: String(props.graphqlSandbox ?? false),
        [RUNTIME_ENV.authMode]: 'apigateway',
        [RUNTIME_ENV.adminGroup]: ADMIN_GROUP,
        [RUNTIME_ENV.adminIssuer]: cognitoIssuer(admins.userPool),
        ...alertMode,
      },
    });
    // 512 MB: I/O-bound work on small batches; half the API's memory, still a quick start.
    const consumer = new OrderFunction(this, 'ProcessOrdersFunction', {
      ...functionDefaults,
      entry: LAMBDA_ENTRIES.processOrders,
      description: 'Order system queue consumer',
      memorySize: 512,
      timeout: CONSUMER_TIMEOUT,
      environment: {
        ...shared,
        [RUNTIME_ENV.serviceName]: SERVICE_NAMES.consumer,
        [RUNTIME_ENV.deadLetterQueueUrl]: queues.deadLetterQueue.queueUrl,
      },
    });
    // 512 MB, 60 s: one sweep reads the pending shards in parallel and re-dispatches each order.
    // One execution at most, so runs never overlap.
    const sweeper = new OrderFunction(this, 'SweepOrdersFunction', {
      ...functionDefaults,
      reservedConcurrentExecutions: 1,
      entry: LAMBDA_ENTRIES.sweepOrders,
      description: 'Order system sweeper: re-dispatches orders whose side effects never completed',
      memorySize: 512,
      timeout: Duration.seconds(60),
      environment: { ...shared, ...alertMode, [RUNTIME_ENV.serviceName]: SERVICE_NAMES.sweeper },
    });

    table.grantItems(api.function, 'PutItem', 'GetItem', 'UpdateItem', 'BatchGetItem');
    table.grantQuery(api.function, 'byCustomer', 'byStatus');
    queues.queue.grant(api.function, 'sqs:SendMessage');
    alerts.grantPublish(api.function);

    table.grantItems(consumer.function, 'GetItem', 'UpdateItem');
    // Poison messages are moved at once; the event source grants the rest.
    queues.deadLetterQueue.grant(consumer.function, 'sqs:SendMessage');
    consumer.function.addEventSource(
      new SqsEventSource(queues.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: CONSUMER_MAX_CONCURRENCY,
      }),
    );

    // A failed or throttled run is not retried: the next scheduled one starts again from the oldest.
    sweeper.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    // byStatus: the scan of open orders for those whose request died before recording them.
    table.grantItems(sweeper.function, 'GetItem', 'UpdateItem', 'BatchGetItem');
    table.grantQuery(sweeper.function, 'undispatched', 'byStatus');
    queues.queue.grant(sweeper.function, 'sqs:SendMessage');
    alerts.grantPublish(sweeper.function);
    new events.Rule(this, 'SweepSchedule', {
      description: 'Runs the order sweeper',
      schedule: events.Schedule.rate(sweepInterval),
      targets: [
        new targets.LambdaFunction(sweeper.function, {
          retryAttempts: 0,
          maxEventAge: Duration.minutes(1),
        }),
      ],
    });

    const subscriptions = new OrderSubscriptions(this, 'Subscriptions', {
      orders: table,
      environment: shared,
      userPool: users.userPool,
      userPoolClient: users.client,
      adminGroup: ADMIN_GROUP,
      admins: { userPool: admins.userPool, client: admins.client },
      serviceNames: SERVICE_NAMES,
      publisherServices: [SERVICE_NAMES.api, SERVICE_NAMES.consumer],
      metricsNamespace: METRICS_NAMESPACE,
      alarmTopic: operations.topic,
      runbookBaseUrl: props.runbookBaseUrl,
      logRemovalPolicy: keep,
    });
    subscriptions.grantPublish(api.function, api.role);
    subscriptions.grantPublish(consumer.function, consumer.role);

    const http = new GraphqlHttpApi(this, 'GraphqlApi', {
      handler: api.function,
      userPool: users.userPool,
      userPoolClient: users.client,
      admin: { userPool: admins.userPool, userPoolClient: admins.client },
      allowedOrigins: props.allowedOrigins,
      ...(props.apiThrottle && { throttle: props.apiThrottle }),
      logRemovalPolicy: keep,
    });

    const functions = {
      GraphqlApi: api.function,
      ProcessOrders: consumer.function,
      SweepOrders: sweeper.function,
      GraphqlSubscriptions: subscriptions.handler.function,
      ReconcileSubscriptions: subscriptions.reconciler.function,
    };
    const alarms = new OrderAlarms(this, 'Alarms', {
      topic: operations.topic,
      api: http.api,
      apiAccessLogs: http.accessLogs,
      functions,
      sweeper: sweeper.function,
      queue: queues.queue,
      deadLetterQueue: queues.deadLetterQueue,
      table: table.table,
      metricsNamespace: METRICS_NAMESPACE,
      services: SERVICE_NAMES,
      runbookBaseUrl: props.runbookBaseUrl,
    });
    new OrderDashboard(this, 'Dashboard', {
      metricsNamespace: METRICS_NAMESPACE,
      services: SERVICE_NAMES,
      api: http.api,
      functions,
      queue: queues.queue,
      deadLetterQueue: queues.deadLetterQueue,
    });

    this.orders = table;
    this.orderQueues = queues;
    this.adminAlerts = alerts;
    this.operations = operations;
    this.users = users;
    this.admins = admins;
    this.functions = {
      graphql: api,
      processOrders: consumer,
      sweepOrders: sweeper,
      graphqlWs: subscriptions.handler,
      reconcileSubscriptions: subscriptions.reconciler,
    };
    this.subscriptions = subscriptions;
    this.graphqlApi = http;
    this.alarms = alarms;

    const outputs = {
      GraphqlUrl: http.graphqlUrl,
      GraphqlWebSocketUrl: subscriptions.url,
      OrdersTableName: table.table.tableName,
      OrdersQueueUrl: queues.queue.queueUrl,
      OrdersQueueName: queues.queue.queueName,
      OrderDeadLetterQueueUrl: queues.deadLetterQueue.queueUrl,
      AdminAlertsTopicArn: alerts.topic.topicArn,
      OperationsTopicArn: operations.topic.topicArn,
      UserPoolId: users.userPool.userPoolId,
      UserPoolClientId: users.client.userPoolClientId,
      AdminGraphqlUrl: http.adminGraphqlUrl ?? '',
      AdminUserPoolId: admins.userPool.userPoolId,
      AdminUserPoolClientId: admins.client.userPoolClientId,
    };
    for (const [name, value] of Object.entries(outputs)) new CfnOutput(this, name, { value });
  }
}
