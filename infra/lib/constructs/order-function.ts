import { existsSync } from 'node:fs';
import { Annotations, type Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAMBDA_BUNDLE_OPTIONS } from '../../bundling.js';
import { toNodejsBundling } from '../nodejs-bundling.js';
import { fromRepoRoot } from '../repo-paths.js';

/** Props of {@link OrderFunction}. */
export interface OrderFunctionProps {
  /** Source file of the entry point, relative to the repository root. */
  readonly entry: string;
  /**
   * Name of the exported handler in the entry file.
   * @default 'handler'
   */
  readonly handler?: string;
  /** What the function does, shown in the Lambda console. */
  readonly description: string;
  /** Memory in MB; Lambda gives CPU in proportion to it. */
  readonly memorySize: number;
  /** How long one invocation may run. */
  readonly timeout: Duration;
  /** Environment variables besides `NODE_OPTIONS`, which follows the bundle's source maps. */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * A Node.js Lambda function as every function of the order system is built: Node.js 22 on arm64
 * (cheaper per GB-second than x86 and fast for this workload), bundled by esbuild with the
 * project's one configuration (`infra/bundling.ts`), X-Ray tracing active, source-mapped stack
 * traces, and its own log group with a retention instead of the never-expiring default.
 *
 * The role is created here with only the right to write to that log group, so no AWS managed
 * policy is attached; callers add access with `grant*`.
 */
export class OrderFunction extends Construct {
  /** The Lambda function. */
  readonly function: NodejsFunction;
  /** The function's log group. */
  readonly logGroup: logs.LogGroup;
  /** The function's execution role. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: OrderFunctionProps) {
    super(scope, id);
    const { bundling, sourceMapsEnabled } = toNodejsBundling(LAMBDA_BUNDLE_OPTIONS);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description}`,
    });
    this.logGroup.grantWrite(this.role);

    const entry = fromRepoRoot(props.entry);
    const handler = props.handler ?? 'handler';
    this.function = new NodejsFunction(this, 'Function', {
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      role: this.role,
      environment: {
        ...props.environment,
        ...(sourceMapsEnabled && { NODE_OPTIONS: '--enable-source-maps' }),
      },
      projectRoot: fromRepoRoot('.'),
      depsLockFilePath: fromRepoRoot('package-lock.json'),
      bundling,
      ...(existsSync(entry) ? { entry, handler } : this.placeholderFor(props.entry, handler)),
    });

    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only the X-Ray actions PutTraceSegments and PutTelemetryRecords use Resource *: X-Ray has no resource-level permissions for them.',
      });
    }
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is chosen on purpose: the bundle targets node22 (infra/bundling.ts) and the code is tested on the Node 20/22 line; move runtime and target together.',
    });
  }

  /**
   * Code for an entry file that is not written yet. Allowed only where bundling is skipped
   * (template assertions); a real synth or deploy fails, as NodejsFunction does, on a missing entry.
   */
  private placeholderFor(entry: string, handler: string) {
    if (Stack.of(this).bundlingRequired) return { entry: fromRepoRoot(entry), handler };
    Annotations.of(this).addWarningV2(
      'order-system:missing-entry',
      `${entry} does not exist yet; a placeholder stands in because bundling is skipped`,
    );
    return {
      code: lambda.Code.fromInline(
        `exports.${handler} = () => { throw new Error('${entry} missing'); };`,
      ),
      handler: `index.${handler}`,
    };
  }
}
