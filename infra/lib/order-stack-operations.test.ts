import { existsSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CONFIG_ENV } from '../../src/config.js';
import { OrderMetric } from '../../src/observability/metrics.js';
import { CODE_CACHE_REJECTED } from '../../src/startup/code-cache-report.js';
import {
  CODE_CACHE_REJECTED_METRIC as ALARMED_CODE_CACHE_METRIC,
  GRAPHQL_ERRORS_METRIC as ALARMED_GRAPHQL_ERRORS_METRIC,
  API_4XX_RATE_PERCENT,
  SYSTEM_FAULT_CODES,
  THROTTLED_API_REQUESTS_METRIC,
} from './constructs/order-alarms.js';
import { OrderStack } from './order-stack.js';
import { fromRepoRoot } from './repo-paths.js';
import { ADMIN_GROUP, METRICS_NAMESPACE, SERVICE_NAMES } from './runtime-environment.js';
import { logicalId, propertiesOf, resources } from './testing/template-queries.js';

const context = { 'aws:cdk:bundling-stacks': [] };
const stackWith = (props: ConstructorParameters<typeof OrderStack>[2]) =>
  new OrderStack(new App({ context }), 'OrderSystem', props);
const stack = stackWith({
  adminEmail: 'shop@example.com',
  alarmEmail: 'oncall@example.com',
  runbookBaseUrl: 'https://git.example.com/shop/blob/main/',
});
const template = Template.fromStack(stack);

const alarmProperties = (alarmId: string) => {
  const alarm = stack.alarms.alarms[alarmId];
  if (!alarm) throw new Error(`No alarm ${alarmId}`);
  return propertiesOf(template, logicalId(alarm));
};
const operations = [{ Ref: logicalId(stack.operations.topic) }];
type MetricQuery = {
  Id: string;
  Expression?: string;
  MetricStat?: { Metric: { MetricName: string; Dimensions?: unknown[] } };
};

describe('alarms', () => {
  it('links every alarm to its runbook page, which exists, and sends it to the operations topic', () => {
    const ids = Object.keys(stack.alarms.alarms);

    expect(ids.sort()).toEqual(
      [
        'Api5xx',
        'Api4xxRate',
        'ApiThrottled',
        'GraphqlInternalErrors',
        'GraphqlServiceUnavailable',
        'ApiDispatchFailures',
        'StrandedOrders',
        'OrdersStrandedTooLong',
        'SweeperHeartbeat',
        ...[
          'GraphqlApi',
          'ProcessOrders',
          'SweepOrders',
          'GraphqlSubscriptions',
          'ReconcileSubscriptions',
        ].flatMap((fn) => [`${fn}Errors`, `${fn}Throttles`]),
        'DeadLetters',
        'OldestOrderMessage',
        'TableThrottledRequests',
        'TableThrottleEvents',
        'CodeCacheRejected',
      ].sort(),
    );
    for (const alarmId of ids) {
      const page = stack.alarms.runbooks[alarmId] ?? '';
      expect(existsSync(fromRepoRoot(page)), `${alarmId} → ${page}`).toBe(true);
      expect(alarmProperties(alarmId)).toMatchObject({
        AlarmDescription: expect.stringMatching(
          new RegExp(` Runbook: https://git\\.example\\.com/shop/blob/main/${page}$`),
        ),
        AlarmActions: operations,
        OKActions: operations,
      });
    }
  });

  it('alarms on GraphQL errors whose code means the system is at fault, from the metric the API emits', () => {
    expect(ALARMED_GRAPHQL_ERRORS_METRIC).toBe(OrderMetric.GraphqlErrors);
    for (const [alarmId, code] of [
      ['GraphqlInternalErrors', 'INTERNAL_SERVER_ERROR'],
      ['GraphqlServiceUnavailable', 'SERVICE_UNAVAILABLE'],
    ] as const) {
      expect(alarmProperties(alarmId)).toMatchObject({
        Namespace: METRICS_NAMESPACE,
        MetricName: OrderMetric.GraphqlErrors,
        Dimensions: expect.arrayContaining([
          { Name: 'service', Value: SERVICE_NAMES.api },
          { Name: 'code', Value: code },
        ]),
        Statistic: 'Sum',
        Period: 300,
        Threshold: SYSTEM_FAULT_CODES[code],
        TreatMissingData: 'notBreaching',
      });
    }
    expect(SYSTEM_FAULT_CODES.INTERNAL_SERVER_ERROR).toBe(1);
  });

  it("alarms on the API's failed dispatches, not only the sweeper's", () => {
    expect(alarmProperties('ApiDispatchFailures')).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: 'DispatchFailures',
      Dimensions: [{ Name: 'service', Value: SERVICE_NAMES.api }],
      Statistic: 'Sum',
    });
  });

  it('alarms when the sweeper is not invoked for 15 minutes, counting missing data as breaching', () => {
    expect(alarmProperties('SweeperHeartbeat')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: [
        { Name: 'FunctionName', Value: { Ref: logicalId(stack.functions.sweepOrders.function) } },
      ],
      Statistic: 'Sum',
      Period: 900,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
  });

  it('alarms on one cold start of any function whose code cache V8 refused', () => {
    expect(ALARMED_CODE_CACHE_METRIC).toBe(CODE_CACHE_REJECTED);
    const properties = alarmProperties('CodeCacheRejected');
    const metrics = properties.Metrics as MetricQuery[];
    const inputs = metrics.filter((m) => m.MetricStat);

    expect(inputs.map((m) => m.MetricStat?.Metric.MetricName)).toEqual(
      Object.values(SERVICE_NAMES).map(() => CODE_CACHE_REJECTED),
    );
    expect(inputs.map((m) => m.MetricStat?.Metric.Dimensions)).toEqual(
      Object.values(SERVICE_NAMES).map((service) => [{ Name: 'service', Value: service }]),
    );
    expect(metrics.find((m) => m.Expression)?.Expression).toBe(
      inputs.map((m) => `FILL(${m.Id}, 0)`).join(' + '),
    );
    expect(properties).toMatchObject({ Threshold: 1, TreatMissingData: 'notBreaching' });
  });

  it('fills every term of the table-throttle sums with 0, so one kind of throttling alone raises them', () => {
    for (const [alarmId, metricName, terms] of [
      ['TableThrottledRequests', 'ThrottledRequests', 4],
      ['TableThrottleEvents', undefined, 2],
    ] as const) {
      const metrics = alarmProperties(alarmId).Metrics as MetricQuery[];
      const inputs = metrics.filter((m) => m.MetricStat);
      const [expression] = metrics.filter((m) => m.Expression).map((m) => m.Expression);

      expect(inputs).toHaveLength(terms);
      expect(expression).toBe(inputs.map((m) => `FILL(${m.Id}, 0)`).join(' + '));
      if (metricName) {
        expect(inputs.map((m) => m.MetricStat?.Metric.MetricName)).toEqual(
          Array(terms).fill(metricName),
        );
      }
    }
  });

  it('alarms on the share of 4xx answers when there are enough requests to judge', () => {
    const properties = alarmProperties('Api4xxRate');
    const metrics = properties.Metrics as MetricQuery[];

    expect(properties.Threshold).toBe(API_4XX_RATE_PERCENT);
    expect(metrics.find((m) => m.Expression)?.Expression).toBe(
      'IF(requests >= 20, 100 * FILL(clientErrors, 0) / requests, 0)',
    );
    expect(Object.fromEntries(metrics.map((m) => [m.Id, m.MetricStat?.Metric.MetricName]))).toEqual(
      expect.objectContaining({ requests: 'Count', clientErrors: '4xx' }),
    );
  });

  it("counts 429 answers from the API's access log and alarms on them", () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logicalId(stack.graphqlApi.accessLogs) },
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [
        {
          MetricNamespace: METRICS_NAMESPACE,
          MetricName: THROTTLED_API_REQUESTS_METRIC,
          MetricValue: '1',
        },
      ],
    });
    expect(alarmProperties('ApiThrottled')).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: THROTTLED_API_REQUESTS_METRIC,
      Statistic: 'Sum',
    });
  });
});

describe('dashboard', () => {
  it('graphs the GraphQL errors of every code', () => {
    const [dashboard] = Object.values(resources(template, 'AWS::CloudWatch::Dashboard'));
    expect(JSON.stringify(dashboard?.Properties?.DashboardBody)).toMatch(
      new RegExp(
        `SEARCH\\('\\{${METRICS_NAMESPACE},code,service\\} MetricName=\\W+${OrderMetric.GraphqlErrors}\\W+ service=\\W+${SERVICE_NAMES.api}\\W`,
      ),
    );
  });
});

describe('alarm delivery', () => {
  it('warns that alarms reach no one when no alarm address is given', () => {
    const withoutAlarmEmail = stackWith({ adminEmail: 'shop@example.com' });

    Template.fromStack(withoutAlarmEmail).resourcePropertiesCountIs(
      'AWS::SNS::Subscription',
      { TopicArn: { Ref: logicalId(withoutAlarmEmail.operations.topic) } },
      0,
    );
    Annotations.fromStack(withoutAlarmEmail).hasWarning(
      '/OrderSystem',
      Match.stringLikeRegexp('-c alarmEmail='),
    );
  });

  it('refuses to synthesize when alarms would go to the per-order alert address', () => {
    const shared = stackWith({ adminEmail: 'shop@example.com', alarmEmail: 'Shop@example.com' });

    Annotations.fromStack(shared).hasError(
      '/OrderSystem',
      Match.stringLikeRegexp('alarmEmail must differ from adminEmail'),
    );
  });
});

describe("administrators' sign-in", () => {
  const adminPool = logicalId(stack.admins.userPool);
  const customerPool = logicalId(stack.users.userPool);

  it('requires TOTP MFA in the admin pool, with recovery only by another administrator', () => {
    expect(propertiesOf(template, adminPool)).toMatchObject({
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }] },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
      GroupName: ADMIN_GROUP,
      UserPoolId: { Ref: adminPool },
    });
  });

  it('grants admin rights in the function only to tokens issued by the admin pool', () => {
    const { Environment } = propertiesOf(template, logicalId(stack.functions.graphql.function)) as {
      Environment: { Variables: Record<string, unknown> };
    };
    expect(Environment.Variables[CONFIG_ENV.adminIssuer]).toEqual({
      'Fn::Join': [
        '',
        ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: adminPool }],
      ],
    });
  });

  it('declares the adaptive responses of both pools: high risk blocked, medium asked for MFA, leaked credentials blocked', () => {
    const riskConfigs = Object.values(
      resources(template, 'AWS::Cognito::UserPoolRiskConfigurationAttachment'),
    );
    const forPool = (poolId: string) =>
      riskConfigs.find(
        (r) => JSON.stringify(r.Properties?.UserPoolId) === JSON.stringify({ Ref: poolId }),
      )?.Properties;
    const compromised = {
      Actions: { EventAction: 'BLOCK' },
      EventFilter: ['SIGN_IN', 'PASSWORD_CHANGE', 'SIGN_UP'],
    };

    expect(riskConfigs).toHaveLength(2);
    expect(forPool(adminPool)).toMatchObject({
      ClientId: 'ALL',
      AccountTakeoverRiskConfiguration: {
        Actions: {
          HighAction: { EventAction: 'BLOCK' },
          MediumAction: { EventAction: 'MFA_REQUIRED' },
        },
      },
      CompromisedCredentialsRiskConfiguration: compromised,
    });
    expect(forPool(customerPool)).toMatchObject({
      ClientId: 'ALL',
      AccountTakeoverRiskConfiguration: {
        Actions: {
          HighAction: { EventAction: 'BLOCK' },
          MediumAction: { EventAction: 'MFA_IF_CONFIGURED' },
        },
      },
      CompromisedCredentialsRiskConfiguration: compromised,
    });
  });

  it('turns OAuth off on both app clients, so adding a domain enables no implicit grant or callback', () => {
    for (const client of [stack.users.client, stack.admins.client]) {
      const properties = propertiesOf(template, logicalId(client));
      expect(properties).toMatchObject({ AllowedOAuthFlowsUserPoolClient: false });
      for (const key of ['AllowedOAuthFlows', 'AllowedOAuthScopes', 'CallbackURLs', 'LogoutURLs']) {
        expect(properties[key], key).toBeUndefined();
      }
    }
  });

  it('exports the admin endpoint, pool and client', () => {
    const outputs = Object.keys(template.toJSON().Outputs);
    expect(outputs).toEqual(
      expect.arrayContaining(['AdminGraphqlUrl', 'AdminUserPoolId', 'AdminUserPoolClientId']),
    );
  });
});

describe('dead-letter queue', () => {
  const dlq = () => logicalId(stack.orderQueues.deadLetterQueue);

  it('is retained with the stack by default, like the table', () => {
    template.hasResource('AWS::SQS::Queue', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ QueueName: Match.absent() }),
    });
    expect(resources(template)[dlq()]).toMatchObject({ DeletionPolicy: 'Retain' });
  });

  it('is deleted with a throw-away stack', () => {
    const throwAway = stackWith({ retainData: false });
    const id = logicalId(throwAway.orderQueues.deadLetterQueue);

    expect(resources(Template.fromStack(throwAway))[id]).toMatchObject({
      DeletionPolicy: 'Delete',
    });
  });
});
