import { LAMBDA_NODE } from '../../../infra/bundling.js';

/** What Lambda knows of a function when it starts its process. */
export interface LambdaFunctionFacts {
  readonly functionName: string;
  readonly memoryMb: number;
  readonly region: string;
  /** The package folder (`/var/task` in Lambda). */
  readonly taskRoot: string;
  /** @default 'index.handler' */
  readonly handler?: string;
}

/**
 * The variables Lambda's Node.js runtime itself sets in a function's process (AWS Lambda
 * "Defined runtime environment variables"), with test credentials. The function's own
 * configuration comes on top.
 */
export function lambdaRuntimeEnv(facts: LambdaFunctionFacts): Record<string, string> {
  return {
    _HANDLER: facts.handler ?? 'index.handler',
    AWS_REGION: facts.region,
    AWS_DEFAULT_REGION: facts.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${LAMBDA_NODE.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: facts.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(facts.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${facts.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/01/[$LATEST]0123456789abcdef',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_SESSION_TOKEN: 'test',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000',
    LAMBDA_TASK_ROOT: facts.taskRoot,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    PATH: '/usr/local/bin:/usr/bin:/bin',
    // Only so that this machine's SDK does not warn; a no-op in Lambda.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
