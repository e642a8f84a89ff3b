/**
 * Runtime configuration, read once at start from environment variables.
 * The variable names are the keys the CDK stack sets on each function.
 */
export interface AppConfig {
  readonly region: string;
  readonly tableName: string;
  readonly queueUrl: string;
  readonly topicArn: string;
  /** Whether the schema may be introspected. @default false */
  readonly introspection: boolean;
  /** Whether GET on the endpoint serves the Apollo Sandbox landing page. @default false */
  readonly sandbox: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** The environment variable behind each configuration key. */
export const CONFIG_ENV = {
  region: 'AWS_REGION',
  tableName: 'ORDERS_TABLE_NAME',
  queueUrl: 'ORDERS_QUEUE_URL',
  topicArn: 'ORDER_ALERTS_TOPIC_ARN',
  introspection: 'GRAPHQL_INTROSPECTION',
  sandbox: 'GRAPHQL_SANDBOX',
} as const satisfies Record<keyof AppConfig, string>;

/** Collects problems while reading variables, so that one error can name them all. */
function envReader(env: Env) {
  const problems: string[] = [];
  const required = (name: string, check?: (v: string) => string | undefined) => {
    const value = env[name]?.trim();
    if (!value) {
      problems.push(`${name} is required`);
      return '';
    }
    const problem = check?.(value);
    if (problem) problems.push(`${name} ${problem}`);
    return value;
  };
  const flag = (name: string) => {
    const value = env[name]?.trim().toLowerCase();
    if (value === undefined || value === '') return false;
    if (value === 'true' || value === '1') return true;
    if (value !== 'false' && value !== '0') problems.push(`${name} must be true or false`);
    return false;
  };
  const done = <T>(config: T): T => {
    if (problems.length > 0) throw new ConfigError(problems);
    return config;
  };
  return { required, flag, done };
}

/** Parses and validates the configuration; throws a {@link ConfigError} naming every problem. */
export function parseConfig(env: Env = process.env): AppConfig {
  const { required, flag, done } = envReader(env);
  return done<AppConfig>({
    region: required(CONFIG_ENV.region),
    tableName: required(CONFIG_ENV.tableName),
    queueUrl: required(CONFIG_ENV.queueUrl, (v) =>
      /^https?:\/\/.+\.fifo$/.test(v) ? undefined : 'must be the URL of a FIFO queue (…/name.fifo)',
    ),
    topicArn: required(CONFIG_ENV.topicArn, (v) =>
      v.startsWith('arn:') ? undefined : 'must be an SNS topic ARN',
    ),
    introspection: flag(CONFIG_ENV.introspection),
    sandbox: flag(CONFIG_ENV.sandbox),
  });
}

/** What the order processor needs: it only reads and moves orders in the table. */
export type ConsumerConfig = Pick<AppConfig, 'region' | 'tableName'>;

/** Parses the order processor's configuration; throws a {@link ConfigError} naming every problem. */
export function parseConsumerConfig(env: Env = process.env): ConsumerConfig {
  const { required, done } = envReader(env);
  return done<ConsumerConfig>({
    region: required(CONFIG_ENV.region),
    tableName: required(CONFIG_ENV.tableName),
  });
}
