import { existsSync } from 'node:fs';
import { Annotations, type Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAMBDA_BUNDLE_OPTIONS, LAMBDA_NODE } from '../../bundling.js';
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
  /**
   * Executions of the function that may run at once, reserved from the account's pool.
   * @default - none reserved: the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;
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

/** The managed runtime of {@link LAMBDA_NODE}; a test keeps the two equal. */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** Shell-quotes one argument of a command hook. */
const quoted = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

/**
 * A Node.js Lambda function as every function of the order system is built: Node.js 24 on x86_64,
 * bundled by esbuild with the project's one configuration (`infra/bundling.ts`) and packaged with
 * a V8 code cache (`src/tools/lambda/package-function.ts`, the same step `npm run build` runs),
 * X-Ray tracing active, stack traces mapped to the sources when they are formatted, JSON logs
 * without the platform's per-invocation records, and its own log group with a retention instead
 * of the never-expiring default.
 *
 * x86_64 rather than the cheaper arm64: V8 accepts a code cache only from the same build of the
 * same version, and the cache is made here by the x64 Node.js release {@link LAMBDA_NODE} pins.
 * Runtime updates are applied only when the function is updated (deployed with a fresh cache),
 * or never with the context key `lambdaRuntimeVersionArn` (the ARN from a function's INIT_START
 * log line); a cache V8 refuses anyway is logged and counted as `CodeCacheRejected`.
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
  /** Source file of the entry point, relative to the repository root. */
  readonly entry: string;
  /** Memory in MB: it decides Lambda's V8 flags, which the code cache was made for. */
  readonly memorySize: number;

  constructor(scope: Construct, id: string, props: OrderFunctionProps) {
    super(scope, id);
    this.entry = props.entry;
    this.memorySize = props.memorySize;
    const { bundling, sourceMapsEnabled } = toNodejsBundling(LAMBDA_BUNDLE_OPTIONS);
    const runtimeVersionArn: unknown = this.node.tryGetContext('lambdaRuntimeVersionArn');

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
      runtime: LAMBDA_RUNTIME,
      runtimeManagementMode:
        typeof runtimeVersionArn === 'string'
          ? lambda.RuntimeManagementMode.manual(runtimeVersionArn)
          : lambda.RuntimeManagementMode.FUNCTION_UPDATE,
      architecture: lambda.Architecture.X86_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      ...(props.reservedConcurrentExecutions !== undefined && {
        reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      }),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      // JSON logs, without Lambda's START/END/REPORT records (a third of the log bytes of an
      // order): Duration, errors and throttles remain CloudWatch metrics. Powertools writes its
      // JSON lines and metrics to stdout itself, which this format passes through as they are.
      loggingFormat: lambda.LoggingFormat.JSON,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      role: this.role,
      environment: {
        ...props.environment,
        ...(sourceMapsEnabled && { NODE_OPTIONS: '--enable-source-maps' }),
      },
      projectRoot: fromRepoRoot('.'),
      depsLockFilePath: fromRepoRoot('package-lock.json'),
      bundling: {
        ...bundling,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir, outputDir) => [
            ['npx', 'tsx', 'src/tools/lambda/package-function.ts', outputDir, props.entry]
              .concat(String(props.memorySize))
              .map(quoted)
              .join(' '),
          ],
        },
      },
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
        'Node.js 24 is chosen on purpose: the bundle targets node24 and the code cache is made by one pinned Node.js 24 release (LAMBDA_NODE in infra/bundling.ts); move runtime, target and that release together.',
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
