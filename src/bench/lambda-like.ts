import { chmod, copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeployedFunction } from '../../infra/lib/deployed-functions.js';
import type { LocalResources } from '../local/resources.js';
import { lambdaRuntimeEnv } from '../tools/lambda/lambda-process.js';

/**
 * Copies a function package into `dest` and makes it read-only (files 0444, folder 0555), as
 * `/var/task` is in Lambda; `skip` leaves files out (e.g. the code cache).
 */
export async function readOnlyPackage(
  source: string,
  dest: string,
  skip: readonly string[] = [],
): Promise<string> {
  await mkdir(dest, { recursive: true });
  for (const file of await readdir(source)) {
    if (skip.includes(file) || file === 'meta.json') continue;
    await copyFile(join(source, file), join(dest, file));
    await chmod(join(dest, file), 0o444);
  }
  await chmod(dest, 0o555);
  return dest;
}

/** Where the bench's emulators listen. */
export interface BenchEndpoints {
  readonly dynamodb: string;
  readonly sqs: string;
  readonly sns: string;
}

/** Values for the variables the stack sets from other resources (CloudFormation references). */
const FROM_RESOURCES: Record<string, (r: LocalResources) => string> = {
  ORDERS_TABLE_NAME: (r) => r.tableName,
  ORDERS_QUEUE_URL: (r) => r.queueUrl,
  ORDER_ALERTS_TOPIC_ARN: (r) => r.topicArn,
};

/**
 * The environment of a function's process in the bench: what Lambda sets, the function's own
 * variables exactly as the stack's template sets them (`NODE_OPTIONS` included, when it is),
 * references to other resources replaced by the emulators' resources, and the emulators'
 * endpoints. Nothing of this machine's environment passes through.
 */
export function lambdaLikeEnv(
  fn: DeployedFunction,
  resources: LocalResources,
  endpoints: BenchEndpoints,
  taskRoot: string,
  warn: (line: string) => void,
  /** Local values of further references (e.g. the subscription table), by variable name. */
  references: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const own: Record<string, string> = {};
  for (const [name, value] of Object.entries(fn.environment)) {
    const fromResource = FROM_RESOURCES[name];
    const reference = references[name];
    if (typeof value === 'string') own[name] = value;
    else if (reference !== undefined) own[name] = reference;
    else if (fromResource) own[name] = fromResource(resources);
    else {
      warn(`The bench has no local value for ${name} (${JSON.stringify(value)}): using 'bench'`);
      own[name] = 'bench';
    }
  }
  return {
    ...lambdaRuntimeEnv({
      functionName: 'order-api-graphql',
      memoryMb: fn.memoryMb,
      region: 'us-east-1',
      taskRoot,
    }),
    ...own,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
  };
}
