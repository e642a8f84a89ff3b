import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { createOrderApp } from './order-app.js';

const context = { 'aws:cdk:bundling-stacks': [], adminEmail: 'ops@example.com' };

describe('createOrderApp', () => {
  it('passes every AwsSolutions check and reports no error when synthesized', () => {
    const { app, stack } = createOrderApp({ context });

    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
    expect(() => app.synth()).not.toThrow();
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    // Two full cdk-nag passes over both user pools and every alarm; a busy machine needs time.
  }, 60_000);

  it('fails synthesis when a resource breaks an AwsSolutions rule nobody acknowledged', () => {
    const { app, stack } = createOrderApp({ context });
    new sqs.Queue(stack, 'PlainQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });

    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((violation) => violation.ruleName)).toContain('AwsSolutions-SQS2');
    expect(() => app.synth()).toThrow(/SQS Queue does not have server-side encryption/);
  });
});
