import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ORDER_TABLE_INDEXES } from '../../src/adapters/aws/dynamodb-order-store.js';
import { CONFIG_ENV } from '../../src/config.js';
import {
  MAX_RECEIVE_COUNT as LOCAL_MAX_RECEIVE_COUNT,
  ORDER_INDEX_PROJECTIONS,
} from '../../src/local/resources.js';
import {
  ACCESS_LOG_LINE,
  FUNCTION_ARCHITECTURE,
  FUNCTION_MEMORY_MB,
  SYSTEM_LOG_LEVEL,
} from '../../src/tools/cost/pricing.js';
import { DEFAULT_THROTTLE } from './constructs/graphql-http-api.js';
import { CONSUMER_MAX_CONCURRENCY, OrderStack } from './order-stack.js';
import { ADMIN_GROUP, METRICS_NAMESPACE, SERVICE_NAMES } from './runtime-environment.js';
import {
  actionsOf,
  allowedActions,
  logicalId,
  propertiesOf,
  resources,
  roleStatements,
  statementsOf,
} from './testing/template-queries.js';

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new OrderStack(app, 'OrderSystem', {
  adminEmail: 'ops@example.com',
  alarmEmail: 'oncall@example.com',
});
const template = Template.fromStack(stack);

const ids = {
  table: logicalId(stack.orders.table),
  queue: logicalId(stack.orderQueues.queue),
  deadLetterQueue: logicalId(stack.orderQueues.deadLetterQueue),
  alertsTopic: logicalId(stack.adminAlerts.topic),
  alertsKey: logicalId(stack.adminAlerts.key),
  operationsTopic: logicalId(stack.operations.topic),
  userPool: logicalId(stack.users.userPool),
  client: logicalId(stack.users.client),
  api: logicalId(stack.graphqlApi.api),
};
const fn = (name: keyof OrderStack['functions']) => ({
  id: logicalId(stack.functions[name].function),
  roleId: logicalId(stack.functions[name].role),
  logGroupId: logicalId(stack.functions[name].logGroup),
});
const functionNames = ['graphql', 'processOrders', 'sweepOrders'] as const;
const tableArn = { 'Fn::GetAtt': [ids.table, 'Arn'] };
const indexArn = (index: string) => ({
  'Fn::Join': ['', [tableArn, `/index/${index}`]],
});
const environmentOf = (name: keyof OrderStack['functions']) =>
  (propertiesOf(template, fn(name).id).Environment as { Variables: Record<string, unknown> })
    .Variables;

describe('orders table', () => {
  it('has the partition key, capacity mode, recovery and encryption the store relies on', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        // Enabled without a key id: KMS with the AWS managed key aws/dynamodb.
        SSESpecification: { SSEEnabled: true, KMSMasterKeyId: Match.absent() },
        DeletionProtectionEnabled: true,
        TimeToLiveSpecification: Match.absent(),
      },
    });
  });

  it('declares exactly the indexes the order store queries, with the projections the local table uses', () => {
    const { GlobalSecondaryIndexes } = propertiesOf(template, ids.table) as {
      GlobalSecondaryIndexes: { IndexName: string; Projection: unknown }[];
    };

    expect(GlobalSecondaryIndexes.map((index) => index.IndexName).sort()).toEqual(
      Object.values(ORDER_TABLE_INDEXES).sort(),
    );
    for (const index of GlobalSecondaryIndexes) {
      expect(index.Projection).toEqual(
        ORDER_INDEX_PROJECTIONS[index.IndexName as keyof typeof ORDER_INDEX_PROJECTIONS],
      );
    }
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({
          IndexName: ORDER_TABLE_INDEXES.byCustomer,
          KeySchema: [
            { AttributeName: 'customerId', KeyType: 'HASH' },
            { AttributeName: 'sortKey', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status'] },
        }),
        Match.objectLike({
          IndexName: ORDER_TABLE_INDEXES.byStatus,
          KeySchema: [
            { AttributeName: 'statusShard', KeyType: 'HASH' },
            { AttributeName: 'sortKey', KeyType: 'RANGE' },
          ],
          // Keys only: taking an order for processing leaves its entry untouched.
          Projection: { ProjectionType: 'KEYS_ONLY' },
        }),
        Match.objectLike({
          IndexName: ORDER_TABLE_INDEXES.undispatched,
          KeySchema: [
            { AttributeName: 'dispatchPending', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
          Projection: {
            ProjectionType: 'INCLUDE',
            NonKeyAttributes: ['sweepAttempts', 'sweepAfter'],
          },
        }),
      ]),
      AttributeDefinitions: Match.arrayWith(
        ['id', 'customerId', 'sortKey', 'statusShard', 'dispatchPending', 'createdAt'].map(
          (name) => ({ AttributeName: name, AttributeType: 'S' }),
        ),
      ),
    });
  });
});

describe('order queues', () => {
  it('runs both queues in high-throughput mode: limits and deduplication per message group', () => {
    for (const id of [ids.queue, ids.deadLetterQueue]) {
      expect(propertiesOf(template, id)).toMatchObject({
        FifoQueue: true,
        FifoThroughputLimit: 'perMessageGroupId',
        DeduplicationScope: 'messageGroup',
      });
    }
  });

  it('makes the order queue FIFO without content-based deduplication, encrypted, with the redrive the local runtime uses', () => {
    expect(propertiesOf(template, ids.queue)).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: false,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [ids.deadLetterQueue, 'Arn'] },
        maxReceiveCount: LOCAL_MAX_RECEIVE_COUNT,
      },
    });
  });

  it('keeps dead letters 14 days in a FIFO, encrypted queue', () => {
    expect(propertiesOf(template, ids.deadLetterQueue)).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: false,
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('sets the visibility timeout to at least six times the consumer timeout', () => {
    const { VisibilityTimeout } = propertiesOf(template, ids.queue) as {
      VisibilityTimeout: number;
    };
    const { Timeout } = propertiesOf(template, fn('processOrders').id) as { Timeout: number };

    expect(VisibilityTimeout).toBeGreaterThanOrEqual(6 * Timeout);
  });

  it('denies requests without TLS on both queues', () => {
    for (const queueId of [ids.queue, ids.deadLetterQueue]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });
});

describe('topics', () => {
  it('encrypts both topics with their own rotating keys and refuses requests without TLS', () => {
    for (const topic of [stack.adminAlerts, stack.operations]) {
      const topicId = logicalId(topic.topic);
      expect(propertiesOf(template, topicId).KmsMasterKeyId).toEqual({
        'Fn::GetAtt': [logicalId(topic.key), 'Arn'],
      });
      expect(propertiesOf(template, logicalId(topic.key)).EnableKeyRotation).toBe(true);
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topicId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('subscribes the admin e-mail address to alerts and the alarm address to alarms', () => {
    for (const [topicId, address] of [
      [ids.alertsTopic, 'ops@example.com'],
      [ids.operationsTopic, 'oncall@example.com'],
    ]) {
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: address,
        TopicArn: { Ref: topicId },
      });
    }
  });

  it('lets CloudWatch alarms publish to the operations topic and use its key', () => {
    const cloudwatch = { Service: 'cloudwatch.amazonaws.com' };
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: ids.operationsTopic }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Allow', Principal: cloudwatch, Action: 'sns:Publish' }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: cloudwatch,
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          }),
        ]),
      },
    });
  });
});

describe('functions', () => {
  it('runs every function on Node.js 24, x86_64, with active tracing and no source-map flag', () => {
    for (const name of functionNames) {
      const properties = propertiesOf(template, fn(name).id);
      expect(properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['x86_64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: fn(name).logGroupId } },
        // The runtime changes only when the function (and its code cache) is deployed again.
        RuntimeManagementConfig: { UpdateRuntimeOn: 'FunctionUpdate' },
      });
      // --enable-source-maps would parse the map at every cold start; the entry maps on demand.
      expect(JSON.stringify(properties.Environment)).not.toContain('NODE_OPTIONS');
    }
  });

  it('gives every function its own log group kept one month', () => {
    for (const name of functionNames) {
      expect(propertiesOf(template, fn(name).logGroupId).RetentionInDays).toBe(30);
    }
  });

  it('sets on the API every variable src/config.ts reads except the one Lambda sets and the in-function token keys', () => {
    // JWT_* configure AUTH_MODE=jwt, for running outside API Gateway; the stack uses its authorizer.
    // COGNITO_* configure AUTH_MODE=cognito, which only the WebSocket function uses.
    const jwtKeys: string[] = [
      CONFIG_ENV.jwtPublicKey,
      CONFIG_ENV.jwtIssuer,
      CONFIG_ENV.jwtAudience,
      CONFIG_ENV.userPoolId,
      CONFIG_ENV.userPoolClientId,
      CONFIG_ENV.adminUserPoolId,
      CONFIG_ENV.adminUserPoolClientId,
    ];
    // The dead-letter queue is the order processor's alone.
    const configKeys = Object.values(CONFIG_ENV).filter(
      (key) =>
        key !== CONFIG_ENV.region &&
        key !== CONFIG_ENV.deadLetterQueueUrl &&
        !jwtKeys.includes(key),
    );

    expect(Object.keys(environmentOf('graphql'))).toEqual(expect.arrayContaining(configKeys));
    expect(environmentOf('graphql')).toMatchObject({
      [CONFIG_ENV.introspection]: 'false',
      [CONFIG_ENV.sandbox]: 'false',
      [CONFIG_ENV.tableName]: { Ref: ids.table },
      [CONFIG_ENV.queueUrl]: { Ref: ids.queue },
      [CONFIG_ENV.topicArn]: { Ref: ids.alertsTopic },
      [CONFIG_ENV.authMode]: 'apigateway',
      [CONFIG_ENV.adminGroup]: ADMIN_GROUP,
      POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.api,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    });
  });

  it('gives the consumer and the sweeper the resource variables and their own service names', () => {
    for (const [name, service] of [
      ['processOrders', SERVICE_NAMES.consumer],
      ['sweepOrders', SERVICE_NAMES.sweeper],
    ] as const) {
      expect(environmentOf(name)).toMatchObject({
        [CONFIG_ENV.tableName]: { Ref: ids.table },
        [CONFIG_ENV.queueUrl]: { Ref: ids.queue },
        [CONFIG_ENV.topicArn]: { Ref: ids.alertsTopic },
        POWERTOOLS_SERVICE_NAME: service,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      });
    }
    expect(environmentOf('processOrders')).toMatchObject({
      [CONFIG_ENV.deadLetterQueueUrl]: { Ref: ids.deadLetterQueue },
    });
  });

  it('sends one alert per order by default: the API and the sweeper both say so', () => {
    expect(environmentOf('graphql')[CONFIG_ENV.alerts]).toBe('each');
    expect(environmentOf('sweepOrders')[CONFIG_ENV.alerts]).toBe('each');
  });

  it('never sets AWS_REGION, which Lambda provides', () => {
    for (const name of functionNames) {
      expect(environmentOf(name)).not.toHaveProperty(CONFIG_ENV.region);
    }
  });

  it('feeds the consumer batches of ten from the order queue with partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fn('processOrders').id },
      EventSourceArn: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: CONSUMER_MAX_CONCURRENCY },
    });
  });

  it('runs the sweeper every five minutes, never retried, one run at a time', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [fn('sweepOrders').id, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
        }),
      ],
    });
    expect(propertiesOf(template, fn('sweepOrders').id).ReservedConcurrentExecutions).toBe(1);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fn('sweepOrders').id },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 60,
    });
  });

  it('reserves no concurrency for the API and the consumer, which scale with traffic', () => {
    expect(propertiesOf(template, fn('graphql').id).ReservedConcurrentExecutions).toBeUndefined();
    expect(
      propertiesOf(template, fn('processOrders').id).ReservedConcurrentExecutions,
    ).toBeUndefined();
  });

  it('writes JSON logs without the platform records the cost command leaves out', () => {
    for (const name of functionNames) {
      expect(propertiesOf(template, fn(name).id).LoggingConfig).toEqual({
        LogFormat: 'JSON',
        SystemLogLevel: SYSTEM_LOG_LEVEL,
        LogGroup: { Ref: fn(name).logGroupId },
      });
    }
  });

  it('gives the functions the memory and architecture the cost command prices', () => {
    for (const name of functionNames) {
      expect(propertiesOf(template, fn(name).id).Architectures).toEqual([FUNCTION_ARCHITECTURE]);
    }
    expect(propertiesOf(template, fn('graphql').id).MemorySize).toBe(FUNCTION_MEMORY_MB.api);
    expect(propertiesOf(template, fn('processOrders').id).MemorySize).toBe(
      FUNCTION_MEMORY_MB.consumer,
    );
  });
});

describe('permissions', () => {
  const statementFor = (roleId: string, action: string) =>
    roleStatements(template, roleId).find((statement) => actionsOf(statement).includes(action));

  it('lets the API write and read orders, query its two indexes, enqueue and publish, and nothing more', () => {
    const { roleId } = fn('graphql');

    // BatchWriteItem, a Query and ManageConnections publish order changes to subscribers.
    expect([...new Set(allowedActions(template, roleId))].sort()).toEqual(
      [
        'dynamodb:BatchGetItem',
        'dynamodb:BatchWriteItem',
        'execute-api:ManageConnections',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sns:Publish',
        'sqs:SendMessage',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    expect(statementFor(roleId, 'dynamodb:PutItem')?.Resource).toEqual(tableArn);
    expect(statementFor(roleId, 'dynamodb:Query')?.Resource).toEqual([
      indexArn(ORDER_TABLE_INDEXES.byCustomer),
      indexArn(ORDER_TABLE_INDEXES.byStatus),
    ]);
    expect(statementFor(roleId, 'sqs:SendMessage')?.Resource).toEqual({
      'Fn::GetAtt': [ids.queue, 'Arn'],
    });
    expect(statementFor(roleId, 'sns:Publish')?.Resource).toEqual({ Ref: ids.alertsTopic });
    expect(statementFor(roleId, 'kms:GenerateDataKey')?.Resource).toEqual({
      'Fn::GetAtt': [ids.alertsKey, 'Arn'],
    });
  });

  it('lets the consumer read and update orders, consume the queue and send to its dead-letter queue, and nothing more', () => {
    const { roleId } = fn('processOrders');

    expect([...new Set(allowedActions(template, roleId))].sort()).toEqual(
      [
        // Publishing status changes to subscribers.
        'dynamodb:BatchWriteItem',
        'dynamodb:Query',
        'execute-api:ManageConnections',
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
        'sqs:SendMessage',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    expect(statementFor(roleId, 'dynamodb:UpdateItem')?.Resource).toEqual(tableArn);
    expect(statementFor(roleId, 'sqs:SendMessage')?.Resource).toEqual({
      'Fn::GetAtt': [ids.deadLetterQueue, 'Arn'],
    });
  });

  it('lets the sweeper query only the undispatched and byStatus indexes, read and update orders, enqueue and publish', () => {
    const { roleId } = fn('sweepOrders');

    expect(allowedActions(template, roleId)).toEqual(
      [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sns:Publish',
        'sqs:SendMessage',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    expect(statementFor(roleId, 'dynamodb:Query')?.Resource).toEqual([
      indexArn(ORDER_TABLE_INDEXES.undispatched),
      indexArn(ORDER_TABLE_INDEXES.byStatus),
    ]);
  });

  it('allows no wildcard action in any identity or resource policy', () => {
    const identity = Object.values(resources(template, 'AWS::IAM::Policy')).flatMap(statementsOf);
    const resourcePolicies = Object.values(resources(template))
      .filter((r) => r.Type === 'AWS::SQS::QueuePolicy' || r.Type === 'AWS::SNS::TopicPolicy')
      .flatMap(statementsOf);
    const allowed = [...identity, ...resourcePolicies]
      .filter((statement) => statement.Effect === 'Allow')
      .flatMap(actionsOf);

    expect(allowed.length).toBeGreaterThan(0);
    expect(allowed.filter((action) => action.includes('*'))).toEqual([]);
  });

  it('attaches no AWS managed policy to any role', () => {
    for (const role of Object.values(resources(template, 'AWS::IAM::Role'))) {
      expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('HTTP API', () => {
  const ofHttpApi = (type: string) =>
    Object.values(resources(template, type)).filter(
      (r) => JSON.stringify(r.Properties?.ApiId) === JSON.stringify({ Ref: ids.api }),
    );

  it('routes GET and POST /graphql to the GraphQL function with payload format 2.0', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      ApiId: { Ref: ids.api },
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [fn('graphql').id, 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
    const routeKeys = ofHttpApi('AWS::ApiGatewayV2::Route')
      .map((route) => route.Properties?.RouteKey)
      .sort();
    expect(routeKeys).toEqual([
      'GET /admin/graphql',
      'GET /graphql',
      'POST /admin/graphql',
      'POST /graphql',
    ]);
  });

  it('requires a JWT from the customer pool on /graphql and from the admin pool on /admin/graphql', () => {
    const authorizers = resources(template, 'AWS::ApiGatewayV2::Authorizer');
    const issuerOf = (poolId: string) => ({
      'Fn::Join': [
        '',
        ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: poolId }],
      ],
    });
    const authorizerFor = (poolId: string, clientId: string) => {
      const found = Object.entries(authorizers).find(
        ([, a]) =>
          JSON.stringify(a.Properties?.JwtConfiguration) ===
          JSON.stringify({ Audience: [{ Ref: clientId }], Issuer: issuerOf(poolId) }),
      );
      expect(found?.[1].Properties).toMatchObject({
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
      });
      return found?.[0];
    };
    const byPath = {
      '/graphql': authorizerFor(ids.userPool, ids.client),
      '/admin/graphql': authorizerFor(
        logicalId(stack.admins.userPool),
        logicalId(stack.admins.client),
      ),
    };

    expect(Object.keys(authorizers)).toHaveLength(2);
    for (const route of ofHttpApi('AWS::ApiGatewayV2::Route')) {
      const path = String(route.Properties?.RouteKey).split(' ')[1] as keyof typeof byPath;
      expect(route.Properties).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: byPath[path] },
      });
    }
  });

  it('throttles the default stage and writes JSON access logs to a log group', () => {
    const stage = ofHttpApi('AWS::ApiGatewayV2::Stage')[0]?.Properties;
    const logGroupId = logicalId(stack.graphqlApi.accessLogs);

    expect(stage).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: DEFAULT_THROTTLE.rateLimit,
        ThrottlingBurstLimit: DEFAULT_THROTTLE.burstLimit,
      },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
    });
    const { Format } = (stage?.AccessLogSettings ?? {}) as { Format?: string };
    // Exactly what the runbooks query, and the fields the cost calculator prices.
    expect(JSON.parse(Format ?? '{}')).toEqual({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      caller: '$context.authorizer.claims.sub',
      status: '$context.status',
      responseLatency: '$context.responseLatency',
      integrationError: '$context.integrationErrorMessage',
      authorizerError: '$context.authorizer.error',
    });
    expect(Object.keys(JSON.parse(ACCESS_LOG_LINE))).toEqual(
      Object.keys(JSON.parse(Format ?? '{}')),
    );
  });

  it('answers no CORS preflight when no origin is allowed', () => {
    expect(propertiesOf(template, ids.api).CorsConfiguration).toBeUndefined();
  });
});

describe('user pool', () => {
  it('lets only administrators create accounts, with a strong password policy and threat protection', () => {
    expect(propertiesOf(template, ids.userPool)).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      DeletionProtection: 'ACTIVE',
    });
  });

  it('has a public client without a secret and no admins group in the customer pool', () => {
    expect(propertiesOf(template, ids.client)).toMatchObject({
      GenerateSecret: false,
      ExplicitAuthFlows: expect.arrayContaining([
        'ALLOW_USER_SRP_AUTH',
        'ALLOW_ADMIN_USER_PASSWORD_AUTH',
      ]),
    });
    template.resourcePropertiesCountIs(
      'AWS::Cognito::UserPoolGroup',
      { UserPoolId: { Ref: ids.userPool } },
      0,
    );
  });
});

describe('alarms and dashboard', () => {
  const operationsAction = [{ Ref: ids.operationsTopic }];
  const alarmOn = (properties: Record<string, unknown>) =>
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: operationsAction,
      OKActions: operationsAction,
      TreatMissingData: 'notBreaching',
      ...properties,
    });

  it('raises an alarm on any API 5xx', () => {
    alarmOn({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: ids.api } }],
      Threshold: 1,
    });
  });

  it('raises alarms on errors and throttles of every function', () => {
    for (const name of functionNames) {
      for (const metric of ['Errors', 'Throttles']) {
        alarmOn({
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn(name).id } }],
        });
      }
    }
  });

  it('raises an alarm as soon as the dead-letter queue holds a message', () => {
    alarmOn({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.deadLetterQueue, 'QueueName'] } },
      ],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
  });

  it('raises an alarm when the oldest order message is too old', () => {
    alarmOn({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.queue, 'QueueName'] } }],
    });
  });

  it('raises an alarm when the sweeper fails to dispatch a stored order', () => {
    alarmOn({
      Namespace: 'OrderProcessing',
      MetricName: 'DispatchFailures',
      Dimensions: [{ Name: 'service', Value: 'order-sweeper' }],
      Statistic: 'Sum',
      Threshold: 1,
    });
  });

  it('raises an alarm when the sweeper reports orders stranded for more than 15 minutes', () => {
    alarmOn({
      Namespace: 'OrderProcessing',
      MetricName: 'StrandedOrders',
      Dimensions: [{ Name: 'service', Value: 'order-sweeper' }],
      Statistic: 'Maximum',
      Threshold: 1,
    });
  });

  it('raises alarms on throttled table requests and read or write throttle events', () => {
    const metricsOf = (metricName: string) =>
      Match.arrayWith([
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({
              Namespace: 'AWS/DynamoDB',
              MetricName: metricName,
              Dimensions: Match.arrayWith([{ Name: 'TableName', Value: { Ref: ids.table } }]),
            }),
          }),
        }),
      ]);
    alarmOn({ Metrics: metricsOf('ThrottledRequests') });
    alarmOn({ Metrics: metricsOf('ReadThrottleEvents') });
    alarmOn({ Metrics: metricsOf('WriteThrottleEvents') });
  });

  it('shows the business metrics the code emits, API latency percentiles and queue depths', () => {
    const [dashboard] = Object.values(resources(template, 'AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties?.DashboardBody);

    for (const metric of [
      'OrdersPlaced',
      'OrderValue',
      'DispatchFailures',
      'OrdersProcessed',
      'ConsumerFailures',
    ]) {
      expect(body).toContain(`[\\"${METRICS_NAMESPACE}\\",\\"${metric}\\",\\"service\\"`);
    }
    expect(body).toContain(
      `[\\"${METRICS_NAMESPACE}\\",\\"OrdersPlaced\\",\\"service\\",\\"${SERVICE_NAMES.api}\\"`,
    );
    for (const statistic of ['p50', 'p90', 'p99']) {
      expect(body).toContain(`\\"stat\\":\\"${statistic}\\"`);
    }
    expect(body).toContain('ApproximateNumberOfMessagesVisible');
    expect(body).toContain('ApproximateAgeOfOldestMessage');
  });
});

describe('outputs', () => {
  it('exports what a client and an operator need to reach the system', () => {
    const outputs = Object.keys(template.toJSON().Outputs);

    expect(outputs).toEqual(
      expect.arrayContaining([
        'GraphqlUrl',
        'OrdersTableName',
        'OrdersQueueUrl',
        'OrdersQueueName',
        'AdminAlertsTopicArn',
        'UserPoolId',
        'UserPoolClientId',
      ]),
    );
    template.hasOutput('GraphqlUrl', {
      Value: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['/graphql'])] }),
    });
  });
});
