import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CONFIG_ENV } from '../../src/config.js';
import { MAX_ALERT_DIGEST_MINUTES, OrderStack } from './order-stack.js';
import { logicalId, propertiesOf } from './testing/template-queries.js';

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new OrderStack(app, 'DevOrderSystem', {
  retainData: false,
  graphqlIntrospection: true,
  graphqlSandbox: true,
  allowedOrigins: ['https://shop.example.com'],
});
const template = Template.fromStack(stack);

describe('a throw-away stack', () => {
  it('lets the table and user pool be deleted with the stack when data is not retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: { DeletionProtectionEnabled: false },
    });
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Delete',
      Properties: { DeletionProtection: 'INACTIVE' },
    });
  });

  it('turns on introspection and the sandbox only when asked to', () => {
    const { Environment } = propertiesOf(template, logicalId(stack.functions.graphql.function)) as {
      Environment: { Variables: Record<string, string> };
    };

    expect(Environment.Variables).toMatchObject({
      [CONFIG_ENV.introspection]: 'true',
      [CONFIG_ENV.sandbox]: 'true',
    });
  });

  it('answers CORS preflights for the allowed origins only', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['https://shop.example.com'],
        AllowMethods: ['GET', 'POST'],
        AllowHeaders: Match.arrayWith(['authorization', 'content-type']),
      },
    });
  });

  it('subscribes no one and warns how to pass an address when no admin e-mail is given', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    Annotations.fromStack(stack).hasWarning(
      '/DevOrderSystem',
      Match.stringLikeRegexp('-c adminEmail=ops@example.com'),
    );
  });
});

describe('a stack sending alert digests', () => {
  const digestApp = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const digestStack = new OrderStack(digestApp, 'DigestOrderSystem', {
    retainData: false,
    alertDigestMinutes: 2,
  });
  const digestTemplate = Template.fromStack(digestStack);
  const variablesOf = (name: keyof OrderStack['functions']) =>
    (
      propertiesOf(digestTemplate, logicalId(digestStack.functions[name].function)) as {
        Environment: { Variables: Record<string, unknown> };
      }
    ).Environment.Variables;

  it('puts the API and the sweeper in digest mode and runs the sweeper at the digest interval', () => {
    expect(variablesOf('graphql')[CONFIG_ENV.alerts]).toBe('digest');
    expect(variablesOf('sweepOrders')[CONFIG_ENV.alerts]).toBe('digest');
    digestTemplate.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(2 minutes)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId(digestStack.functions.sweepOrders.function), 'Arn'] },
        }),
      ],
    });
  });

  it.each([0, 1.5, MAX_ALERT_DIGEST_MINUTES + 1])(
    'refuses a digest every %s minutes',
    (minutes) => {
      expect(
        () =>
          new OrderStack(new App(), 'BadDigest', {
            retainData: false,
            alertDigestMinutes: minutes,
          }),
      ).toThrow(/alertDigestMinutes must be a whole number of minutes from 1 to 10/);
    },
  );
});
