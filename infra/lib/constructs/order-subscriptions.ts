import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { LAMBDA_ENTRIES } from '../../bundling.js';
import { RUNTIME_ENV } from '../runtime-environment.js';
import { OrderFunction } from './order-function.js';
import type { OrderTable } from './order-table.js';

/** The subscription table's indexes (all keys strings), as the registry queries them. */
export const SUBSCRIPTION_INDEXES = {
  /** The subscriptions an order change goes to. */
  byTopic: { partitionKey: 'topic', sortKey: 'connectionId', projection: 'ALL' },
  /** Sparse, keys only: a caller's acknowledged connections, to count them. */
  byCaller: { partitionKey: 'callerKey', sortKey: 'connectionId', projection: 'KEYS_ONLY' },
  /** Sparse: the `orderUpdated` subscriptions, by shard, which the reconciler reads (no Scan). */
  byReconcileShard: { partitionKey: 'reconcileShard', sortKey: 'connectionId', projection: 'ALL' },
} as const;

/** The attribute DynamoDB's TTL deletes items by. */
export const SUBSCRIPTION_TTL_ATTRIBUTE = 'expiresAt';

/** How often missed order states are sent to `orderUpdated` subscribers (EventBridge's minimum). */
export const RECONCILE_INTERVAL = Duration.minutes(1);

/** Messages per second (and burst) the WebSocket stage admits. */
export const WEBSOCKET_THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;

/** Name of the WebSocket stage; part of the endpoint URL. */
export const WEBSOCKET_STAGE = 'live';

/** The runbook of the publish-failure alarm, relative to the repository root. */
export const PUBLISH_FAILURES_RUNBOOK = 'docs/runbooks/publish-failures.md';

/** Props of {@link OrderSubscriptions}. */
export interface OrderSubscriptionsProps {
  /** The orders table: subscriptions read an order's current state from it. */
  readonly orders: OrderTable;
  /** Environment every function of the system shares (table name, metrics namespace). */
  readonly environment: Readonly<Record<string, string>>;
  /** The user pool whose tokens a connection presents in `connection_init`. */
  readonly userPool: cognito.IUserPool;
  /** The app client the tokens must be issued to. */
  readonly userPoolClient: cognito.IUserPoolClient;
  /** The Cognito group of administrators. */
  readonly adminGroup: string;
  /**
   * The administrators' pool and client: only their tokens carry admin rights.
   * @default - admin rights by group in the customers' pool
   */
  readonly admins?: {
    readonly userPool: cognito.IUserPool;
    readonly client: cognito.IUserPoolClient;
  };
  /** `service` of the WebSocket function and of the reconciler. */
  readonly serviceNames: { readonly subscriptions: string; readonly reconciler: string };
  /** The services that publish order changes, for the `PublishFailures` alarm. */
  readonly publisherServices: readonly string[];
  readonly metricsNamespace: string;
  /** Where the publish-failure alarm is sent. */
  readonly alarmTopic: sns.ITopic;
  /**
   * Prefix of the alarm's runbook link (`<prefix>docs/runbooks/publish-failures.md`).
   * @default - the path alone
   */
  readonly runbookBaseUrl?: string;
  /**
   * What happens to log groups when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * GraphQL subscriptions over an API Gateway WebSocket API (graphql-transport-ws): the API with
 * `$connect`, `$disconnect` and `$default` routes on one function, the subscription table (TTL
 * after API Gateway's 2-hour connection limit), a reconciler on a schedule, and an alarm when
 * order changes do not reach subscribers. Tokens are verified by the function (Cognito, with
 * aws-jwt-verify) from `connection_init`, or from the query string at `$connect`: browsers cannot
 * set headers on a WebSocket handshake, and WebSocket APIs have no JWT authorizer.
 */
export class OrderSubscriptions extends Construct {
  readonly table: dynamodb.Table;
  readonly api: apigw.WebSocketApi;
  readonly stage: apigw.WebSocketStage;
  readonly handler: OrderFunction;
  readonly reconciler: OrderFunction;
  readonly accessLogs: logs.LogGroup;
  readonly publishFailuresAlarm: cloudwatch.Alarm;
  /** The `wss://` URL clients connect to. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: OrderSubscriptionsProps) {
    super(scope, id);
    const logRemovalPolicy = props.logRemovalPolicy ?? RemovalPolicy.RETAIN;

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'connectionId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: SUBSCRIPTION_TTL_ATTRIBUTE,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    for (const [indexName, index] of Object.entries(SUBSCRIPTION_INDEXES)) {
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType[index.projection],
      });
    }
    Validations.of(this.table).acknowledge({
      id: 'AwsSolutions-DDB3',
      reason:
        'Open connections and their subscriptions only: nothing to recover, clients reconnect and subscribe again.',
    });

    const functionDefaults = { logRemovalPolicy } as const;
    this.handler = new OrderFunction(this, 'Function', {
      ...functionDefaults,
      entry: LAMBDA_ENTRIES.graphqlWs,
      description: 'Order system GraphQL subscriptions (WebSocket)',
      memorySize: 512,
      timeout: Duration.seconds(10),
      environment: {
        ...props.environment,
        [RUNTIME_ENV.serviceName]: props.serviceNames.subscriptions,
        [RUNTIME_ENV.authMode]: 'cognito',
        [RUNTIME_ENV.adminGroup]: props.adminGroup,
        [RUNTIME_ENV.userPoolId]: props.userPool.userPoolId,
        [RUNTIME_ENV.userPoolClientId]: props.userPoolClient.userPoolClientId,
        ...(props.admins && {
          [RUNTIME_ENV.adminUserPoolId]: props.admins.userPool.userPoolId,
          [RUNTIME_ENV.adminUserPoolClientId]: props.admins.client.userPoolClientId,
        }),
      },
    });
    this.reconciler = new OrderFunction(this, 'Reconciler', {
      ...functionDefaults,
      entry: LAMBDA_ENTRIES.reconcileSubscriptions,
      description: 'Order system subscription reconciler: sends order states a publish missed',
      memorySize: 512,
      timeout: Duration.seconds(50),
      environment: {
        ...props.environment,
        [RUNTIME_ENV.serviceName]: props.serviceNames.reconciler,
      },
    });

    const integration = new WebSocketLambdaIntegration('Handler', this.handler.function);
    this.api = new apigw.WebSocketApi(this, 'Api', {
      description: 'Order system GraphQL subscriptions (graphql-transport-ws)',
      connectRouteOptions: { integration },
      disconnectRouteOptions: { integration },
      defaultRouteOptions: { integration },
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: logRemovalPolicy,
    });
    this.stage = new apigw.WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: WEBSOCKET_STAGE,
      autoDeploy: true,
      throttle: WEBSOCKET_THROTTLE,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            connectionId: '$context.connectionId',
            eventType: '$context.eventType',
            routeKey: '$context.routeKey',
            status: '$context.status',
            requestTime: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            integrationError: '$context.integrationErrorMessage',
            disconnectStatusCode: '$context.disconnectStatusCode',
          }),
        ),
      },
    });
    for (const route of ['$connect', '$disconnect', '$default']) {
      const child = this.api.node.tryFindChild(`${route}-Route`);
      if (child)
        Validations.of(child).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'The function verifies a Cognito token (aws-jwt-verify) from connection_init or the $connect query string before any subscription; WebSocket APIs have no JWT authorizer and browsers cannot send headers on the handshake.',
        });
    }
    this.url = this.stage.url;

    const realtimeEnv = {
      [RUNTIME_ENV.subscriptionsTableName]: this.table.tableName,
      [RUNTIME_ENV.websocketCallbackUrl]: this.stage.callbackUrl,
    };
    for (const [name, value] of Object.entries(realtimeEnv)) {
      this.handler.function.addEnvironment(name, value);
      this.reconciler.function.addEnvironment(name, value);
    }
    props.orders.grantItems(this.handler.function, 'GetItem');
    props.orders.grantItems(this.reconciler.function, 'GetItem');
    this.grantTable(this.handler.function, [
      'GetItem',
      'PutItem',
      'UpdateItem',
      'DeleteItem',
      'BatchWriteItem',
      'Query',
    ]);
    this.grantQueryIndex(this.handler.function, 'byCaller', 'byTopic');
    this.grantTable(this.reconciler.function, ['UpdateItem', 'BatchWriteItem', 'Query']);
    this.grantQueryIndex(this.reconciler.function, 'byReconcileShard');
    this.stage.grantManagementApiAccess(this.handler.function);
    this.stage.grantManagementApiAccess(this.reconciler.function);
    this.acknowledgeConnectionWildcard(this.handler.role);
    this.acknowledgeConnectionWildcard(this.reconciler.role);

    new events.Rule(this, 'ReconcileSchedule', {
      description: 'Sends orderUpdated subscribers the order states a publish missed',
      schedule: events.Schedule.rate(RECONCILE_INTERVAL),
      targets: [
        new targets.LambdaFunction(this.reconciler.function, {
          retryAttempts: 0,
          maxEventAge: Duration.minutes(1),
        }),
      ],
    });

    const failures = Object.fromEntries(
      [...props.publisherServices, props.serviceNames.reconciler].map((service, i) => [
        `s${i}`,
        new cloudwatch.Metric({
          namespace: props.metricsNamespace,
          metricName: 'PublishFailures',
          dimensionsMap: { service },
          statistic: cloudwatch.Stats.SUM,
          period: Duration.minutes(5),
        }),
      ]),
    );
    this.publishFailuresAlarm = new cloudwatch.Alarm(this, 'PublishFailures', {
      alarmDescription: `Order changes were stored but did not reach every subscriber (the reconciler catches orderUpdated up; list subscribers were disconnected). Runbook: ${props.runbookBaseUrl ?? ''}${PUBLISH_FAILURES_RUNBOOK}`,
      metric: new cloudwatch.MathExpression({
        label: 'Publish failures',
        expression: Object.keys(failures).join(' + '),
        usingMetrics: failures,
        period: Duration.minutes(5),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.publishFailuresAlarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
    this.publishFailuresAlarm.addOkAction(new actions.SnsAction(props.alarmTopic));
  }

  /**
   * Lets a function that stores order changes publish them: find the subscribers (byTopic),
   * move watermarks, remove gone connections, and post to connections of this API only.
   */
  grantPublish(fn: lambda.IFunction, role: iam.IRole): void {
    for (const [name, value] of Object.entries({
      [RUNTIME_ENV.subscriptionsTableName]: this.table.tableName,
      [RUNTIME_ENV.websocketCallbackUrl]: this.stage.callbackUrl,
    }))
      (fn as lambda.Function).addEnvironment(name, value);
    this.grantTable(fn, ['UpdateItem', 'BatchWriteItem', 'Query']);
    this.grantQueryIndex(fn, 'byTopic');
    this.stage.grantManagementApiAccess(fn);
    this.acknowledgeConnectionWildcard(role);
  }

  private grantTable(grantee: iam.IGrantable, actionNames: readonly string[]) {
    iam.Grant.addToPrincipal({
      grantee,
      actions: actionNames.map((a) => `dynamodb:${a}`),
      resourceArns: [this.table.tableArn],
    });
  }

  private grantQueryIndex(
    grantee: iam.IGrantable,
    ...indexes: (keyof typeof SUBSCRIPTION_INDEXES)[]
  ) {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: indexes.map((index) => `${this.table.tableArn}/index/${index}`),
    });
  }

  private acknowledgeConnectionWildcard(role: iam.IRole) {
    const policy = role.node.tryFindChild('DefaultPolicy');
    if (!policy) return;
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${Stack.of(this).getLogicalId(this.api.node.defaultChild as apigw.CfnApi)}>/${WEBSOCKET_STAGE}/*/@connections/*]`,
      reason:
        'execute-api:ManageConnections on the connections of this WebSocket API and stage only; connection ids are not known in advance.',
    });
  }
}
