import { existsSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  SUBSCRIPTION_TTL_ATTRIBUTE as STORE_TTL_ATTRIBUTE,
  SUBSCRIPTION_TABLE_INDEXES,
} from '../../../src/adapters/aws/dynamodb-subscription-registry.js';
import { CONFIG_ENV } from '../../../src/config.js';
import { FUNCTION_MEMORY_MB, RECONCILE_INTERVAL_MINUTES } from '../../../src/tools/cost/pricing.js';
import { OrderStack } from '../order-stack.js';
import { fromRepoRoot } from '../repo-paths.js';
import { SERVICE_NAMES } from '../runtime-environment.js';
import {
  actionsOf,
  logicalId,
  propertiesOf,
  resources,
  roleStatements,
} from '../testing/template-queries.js';
import {
  PUBLISH_FAILURES_RUNBOOK,
  RECONCILE_INTERVAL,
  SUBSCRIPTION_INDEXES,
  SUBSCRIPTION_TTL_ATTRIBUTE,
  WEBSOCKET_STAGE,
  WEBSOCKET_THROTTLE,
} from './order-subscriptions.js';

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new OrderStack(app, 'OrderSystem', { adminEmail: 'ops@example.com' });
const template = Template.fromStack(stack);
const { subscriptions } = stack;
const ids = {
  api: logicalId(subscriptions.api),
  table: logicalId(subscriptions.table),
  handler: logicalId(subscriptions.handler.function),
  reconciler: logicalId(subscriptions.reconciler.function),
  operations: logicalId(stack.operations.topic),
};
const ofApi = (type: string) =>
  Object.values(resources(template, type)).filter(
    (r) => JSON.stringify(r.Properties?.ApiId) === JSON.stringify({ Ref: ids.api }),
  );
const environmentOf = (id: string) =>
  (propertiesOf(template, id).Environment as { Variables: Record<string, unknown> }).Variables;
const connectionsArn = {
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':execute-api:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      ':',
      { Ref: ids.api },
      `/${WEBSOCKET_STAGE}/*/@connections/*`,
    ],
  ],
};

describe('WebSocket API', () => {
  it('is a WebSocket API whose $connect, $disconnect and $default routes invoke the subscription function', () => {
    expect(propertiesOf(template, ids.api)).toMatchObject({ ProtocolType: 'WEBSOCKET' });
    const integrations = ofApi('AWS::ApiGatewayV2::Integration');
    expect(integrations).toHaveLength(1);
    expect(integrations[0]?.Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: expect.anything(),
    });
    expect(JSON.stringify(integrations[0]?.Properties?.IntegrationUri)).toContain(ids.handler);
    expect(
      ofApi('AWS::ApiGatewayV2::Route')
        .map((r) => r.Properties?.RouteKey)
        .sort(),
    ).toEqual(['$connect', '$default', '$disconnect']);
  });

  it('checks tokens in the function (connection_init or the $connect query), with Cognito settings', () => {
    // WebSocket APIs offer no JWT authorizer; the route is open and the function refuses.
    for (const route of ofApi('AWS::ApiGatewayV2::Route')) {
      expect(route.Properties?.AuthorizationType ?? 'NONE').toBe('NONE');
    }
    expect(environmentOf(ids.handler)).toMatchObject({
      [CONFIG_ENV.authMode]: 'cognito',
      [CONFIG_ENV.userPoolId]: { Ref: logicalId(stack.users.userPool) },
      [CONFIG_ENV.userPoolClientId]: { Ref: logicalId(stack.users.client) },
      // Admin rights only from the administrators' pool, as over HTTP.
      [CONFIG_ENV.adminUserPoolId]: { Ref: logicalId(stack.admins.userPool) },
      [CONFIG_ENV.adminUserPoolClientId]: { Ref: logicalId(stack.admins.client) },
      [CONFIG_ENV.tableName]: { Ref: logicalId(stack.orders.table) },
      [CONFIG_ENV.subscriptionsTableName]: { Ref: ids.table },
      [CONFIG_ENV.websocketCallbackUrl]: expect.anything(),
      POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.subscriptions,
    });
  });

  it('throttles the stage and writes JSON access logs', () => {
    const [stage] = ofApi('AWS::ApiGatewayV2::Stage');
    expect(stage?.Properties).toMatchObject({
      StageName: WEBSOCKET_STAGE,
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: WEBSOCKET_THROTTLE.rateLimit,
        ThrottlingBurstLimit: WEBSOCKET_THROTTLE.burstLimit,
      },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logicalId(subscriptions.accessLogs), 'Arn'] },
      },
    });
  });

  it('exports the wss:// URL', () => {
    expect(template.toJSON().Outputs).toHaveProperty('GraphqlWebSocketUrl');
  });
});

describe('subscription table', () => {
  it('expires items by the TTL attribute the registry writes and has the indexes it queries', () => {
    expect(SUBSCRIPTION_TTL_ATTRIBUTE).toBe(STORE_TTL_ATTRIBUTE);
    const table = propertiesOf(template, ids.table);
    expect(table).toMatchObject({
      KeySchema: [
        { AttributeName: 'connectionId', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: SUBSCRIPTION_TTL_ATTRIBUTE, Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    const indexes = table.GlobalSecondaryIndexes as {
      IndexName: string;
      KeySchema: { AttributeName: string }[];
      Projection: { ProjectionType: string };
    }[];
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(
      Object.values(SUBSCRIPTION_TABLE_INDEXES).sort(),
    );
    for (const index of indexes) {
      const expected = SUBSCRIPTION_INDEXES[index.IndexName as keyof typeof SUBSCRIPTION_INDEXES];
      expect(index.KeySchema.map((k) => k.AttributeName)).toEqual([
        expected.partitionKey,
        expected.sortKey,
      ]);
      expect(index.Projection.ProjectionType).toBe(expected.projection);
    }
  });
});

describe('permissions', () => {
  const publishers = {
    subscriptions: logicalId(subscriptions.handler.role),
    reconciler: logicalId(subscriptions.reconciler.role),
    api: logicalId(stack.functions.graphql.role),
    consumer: logicalId(stack.functions.processOrders.role),
  };

  it('allows execute-api:ManageConnections on the connections of this API and stage only, to the functions that post', () => {
    for (const roleId of Object.values(publishers)) {
      const manage = roleStatements(template, roleId).filter((s) =>
        actionsOf(s).includes('execute-api:ManageConnections'),
      );
      expect(manage).toEqual([
        expect.objectContaining({
          Effect: 'Allow',
          Action: 'execute-api:ManageConnections',
          Resource: connectionsArn,
        }),
      ]);
    }
    const sweeper = logicalId(stack.functions.sweepOrders.role);
    expect(
      roleStatements(template, sweeper)
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('execute-api')),
    ).toEqual([]);
  });

  it('limits the subscription table to its own actions: no Scan, the reconciler reads its sparse index', () => {
    const tableArn = { 'Fn::GetAtt': [ids.table, 'Arn'] };
    for (const roleId of Object.values(publishers)) {
      const statements = roleStatements(template, roleId);
      expect(statements.flatMap(actionsOf)).not.toContain('dynamodb:Scan');
      const onTable = statements
        .filter((s) => JSON.stringify(s.Resource) === JSON.stringify(tableArn))
        .flatMap(actionsOf);
      expect(onTable).not.toContain('dynamodb:DeleteTable');
    }
    // `complete` deletes one subscription (DeleteItem, to learn whether it was stored).
    expect(
      roleStatements(template, publishers.subscriptions)
        .filter((s) => JSON.stringify(s.Resource) === JSON.stringify(tableArn))
        .flatMap(actionsOf)
        .sort(),
    ).toEqual(
      [
        'dynamodb:BatchWriteItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ].sort(),
    );
    const indexQueries = roleStatements(template, publishers.reconciler).filter((s) =>
      JSON.stringify(s.Resource).includes('/index/'),
    );
    expect(indexQueries).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:Query',
        Resource: {
          'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.table, 'Arn'] }, '/index/byReconcileShard']],
        },
      }),
    ]);
  });

  it('gives the publishing API and consumer the subscription settings', () => {
    for (const fn of [stack.functions.graphql, stack.functions.processOrders]) {
      expect(environmentOf(logicalId(fn.function))).toMatchObject({
        [CONFIG_ENV.subscriptionsTableName]: { Ref: ids.table },
        [CONFIG_ENV.websocketCallbackUrl]: expect.anything(),
      });
    }
  });
});

describe('reconciler and alarms', () => {
  it('reconciles every minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: `rate(${RECONCILE_INTERVAL.toMinutes()} minute)`,
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [ids.reconciler, 'Arn'] } })],
    });
  });

  it('runs the reconciler and the WebSocket function as the cost command prices them', () => {
    expect(RECONCILE_INTERVAL.toMinutes()).toBe(RECONCILE_INTERVAL_MINUTES);
    expect(propertiesOf(template, ids.handler).MemorySize).toBe(FUNCTION_MEMORY_MB.subscriptions);
    expect(propertiesOf(template, ids.reconciler).MemorySize).toBe(FUNCTION_MEMORY_MB.reconciler);
  });

  it('raises an alarm on publish failures of every publisher, and on errors of the new functions', () => {
    const alarm = propertiesOf(template, logicalId(subscriptions.publishFailuresAlarm));
    const metrics = alarm.Metrics as { MetricStat?: { Metric: { Dimensions: unknown[] } } }[];
    const services = metrics
      .flatMap((m) => m.MetricStat?.Metric.Dimensions ?? [])
      .map((d) => (d as { Value: string }).Value)
      .sort();
    expect(services).toEqual(
      [SERVICE_NAMES.api, SERVICE_NAMES.consumer, SERVICE_NAMES.reconciler].sort(),
    );
    expect(existsSync(fromRepoRoot(PUBLISH_FAILURES_RUNBOOK))).toBe(true);
    expect(alarm).toMatchObject({
      AlarmDescription: expect.stringContaining(`Runbook: ${PUBLISH_FAILURES_RUNBOOK}`),
      Threshold: 1,
      AlarmActions: [{ Ref: ids.operations }],
    });
    for (const name of ['GraphqlSubscriptionsErrors', 'ReconcileSubscriptionsErrors']) {
      expect(stack.alarms.alarms).toHaveProperty(name);
    }
  });
});
