import type { AlertMode } from './use-cases/dependencies.js';

/**
 * Runtime configuration, read once at start from environment variables.
 * The variable names are the keys the CDK stack sets on each function.
 */
export interface AppConfig {
  readonly region: string;
  readonly tableName: string;
  readonly queueUrl: string;
  readonly topicArn: string;
  /** Whether the schema may be introspected (and field suggestions shown). @default false */
  readonly introspection: boolean;
  /** Whether GET on the endpoint serves the Apollo Sandbox landing page. @default false */
  readonly sandbox: boolean;
  readonly auth: AuthConfig;
  /** How administrators hear of new orders (`ALERT_MODE`). @default 'each' */
  readonly alerts: AlertMode;
}

/**
 * How callers are authenticated:
 * - `apigateway`: API Gateway's JWT authorizer verified the token; its claims are trusted.
 * - `jwt`: the function verifies a bearer token itself against `publicKey`.
 * - `cognito`: the function verifies a Cognito token itself (the WebSocket API has no JWT authorizer).
 * - `off`: no authentication; every caller is trusted (local use only).
 */
export type AuthConfig =
  | { readonly mode: 'off' }
  | {
      readonly mode: 'apigateway';
      readonly adminGroup: string;
      /**
       * The only issuer whose tokens may carry admin rights (the administrators' user pool).
       * @default - any issuer the authorizer accepts
       */
      readonly adminIssuer?: string;
    }
  | {
      readonly mode: 'cognito';
      readonly adminGroup: string;
      readonly userPoolId: string;
      /** The app client the tokens must be issued to. */
      readonly clientId: string;
      /** The administrators' pool and client; when set, only its tokens carry admin rights. */
      readonly admins?: { readonly userPoolId: string; readonly clientId: string };
    }
  | {
      readonly mode: 'jwt';
      readonly adminGroup: string;
      /** PEM (SPKI) public key that signs the tokens. */
      readonly publicKey: string;
      readonly issuer: string;
      readonly audience?: string;
    };

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
  deadLetterQueueUrl: 'ORDERS_DLQ_URL',
  introspection: 'GRAPHQL_INTROSPECTION',
  sandbox: 'GRAPHQL_SANDBOX',
  authMode: 'AUTH_MODE',
  adminGroup: 'ADMIN_GROUP',
  adminIssuer: 'ADMIN_ISSUER',
  jwtPublicKey: 'JWT_PUBLIC_KEY',
  jwtIssuer: 'JWT_ISSUER',
  jwtAudience: 'JWT_AUDIENCE',
  userPoolId: 'COGNITO_USER_POOL_ID',
  userPoolClientId: 'COGNITO_CLIENT_ID',
  adminUserPoolId: 'COGNITO_ADMIN_USER_POOL_ID',
  adminUserPoolClientId: 'COGNITO_ADMIN_CLIENT_ID',
  subscriptionsTableName: 'SUBSCRIPTIONS_TABLE_NAME',
  websocketCallbackUrl: 'WEBSOCKET_CALLBACK_URL',
  alerts: 'ALERT_MODE',
} as const;

type Key = keyof typeof CONFIG_ENV;

/** Reads variables, collecting every problem instead of stopping at the first. */
function reader(env: Env) {
  const problems: string[] = [];
  const optional = (key: Key) => env[CONFIG_ENV[key]]?.trim() || undefined;
  const required = (key: Key, check?: (v: string) => string | undefined) => {
    const value = optional(key);
    if (value === undefined) {
      problems.push(`${CONFIG_ENV[key]} is required`);
      return '';
    }
    const problem = check?.(value);
    if (problem) problems.push(`${CONFIG_ENV[key]} ${problem}`);
    return value;
  };
  const oneOf = <T extends string>(key: Key, values: readonly T[], fallback: T): T => {
    const value = optional(key)?.toLowerCase() ?? fallback;
    if ((values as readonly string[]).includes(value)) return value as T;
    problems.push(`${CONFIG_ENV[key]} must be one of ${values.join(', ')}`);
    return fallback;
  };
  const flag = (key: Key) =>
    ['true', '1'].includes(oneOf(key, ['true', 'false', '1', '0'], 'false'));
  const done = <T>(config: T): T => {
    if (problems.length > 0) throw new ConfigError(problems);
    return config;
  };
  return { optional, required, oneOf, flag, done };
}

function parseAuth(read: ReturnType<typeof reader>): AuthConfig {
  const mode = read.oneOf('authMode', ['apigateway', 'jwt', 'cognito', 'off'], 'apigateway');
  const adminGroup = read.optional('adminGroup') ?? 'admins';
  if (mode === 'off') return { mode };
  if (mode === 'apigateway') {
    const adminIssuer = read.optional('adminIssuer');
    return { mode, adminGroup, ...(adminIssuer && { adminIssuer }) };
  }
  if (mode === 'cognito') {
    const adminPool = read.optional('adminUserPoolId');
    return {
      mode,
      adminGroup,
      userPoolId: read.required('userPoolId'),
      clientId: read.required('userPoolClientId'),
      ...(adminPool && {
        admins: { userPoolId: adminPool, clientId: read.required('adminUserPoolClientId') },
      }),
    };
  }
  const audience = read.optional('jwtAudience');
  return {
    mode,
    adminGroup,
    publicKey: read.required('jwtPublicKey', (v) =>
      v.includes('BEGIN PUBLIC KEY') ? undefined : 'must be a PEM public key',
    ),
    issuer: read.required('jwtIssuer'),
    ...(audience && { audience }),
  };
}

/** Parses and validates the configuration; throws a {@link ConfigError} naming every problem. */
export function parseConfig(env: Env = process.env): AppConfig {
  const read = reader(env);
  return read.done({
    region: read.required('region'),
    tableName: read.required('tableName'),
    queueUrl: read.required('queueUrl', (v) =>
      /^https?:\/\/.+\.fifo$/.test(v) ? undefined : 'must be the URL of a FIFO queue (…/name.fifo)',
    ),
    topicArn: read.required('topicArn', (v) =>
      v.startsWith('arn:') ? undefined : 'must be an SNS topic ARN',
    ),
    introspection: read.flag('introspection'),
    sandbox: read.flag('sandbox'),
    auth: parseAuth(read),
    alerts: read.oneOf('alerts', ['each', 'digest'], 'each'),
  });
}

/**
 * What the order processor needs: the table whose orders it moves and, optionally, the order
 * queue with its dead-letter queue, to dead-letter poison messages at once and retry the
 * others after a short delay (without them failed messages wait for the visibility timeout).
 */
export interface ConsumerConfig extends Pick<AppConfig, 'region' | 'tableName'> {
  readonly queues?: { readonly queueUrl: string; readonly deadLetterQueueUrl: string };
}

/** Parses the order processor's configuration; throws a {@link ConfigError} naming every problem. */
export function parseConsumerConfig(env: Env = process.env): ConsumerConfig {
  const read = reader(env);
  const queueUrl = read.optional('queueUrl');
  const deadLetterQueueUrl = read.optional('deadLetterQueueUrl');
  return read.done({
    region: read.required('region'),
    tableName: read.required('tableName'),
    ...(queueUrl && deadLetterQueueUrl && { queues: { queueUrl, deadLetterQueueUrl } }),
  });
}

/**
 * Where subscriptions live and how their clients are reached: the subscription table and API
 * Gateway's management endpoint (`https://{api}.execute-api.{region}.amazonaws.com/{stage}`).
 */
export interface RealtimeConfig {
  readonly subscriptionsTableName: string;
  readonly callbackUrl: string;
}

/**
 * The subscription settings, or undefined when neither is set (order changes then reach no
 * subscriber); throws a {@link ConfigError} when only one is, or `required` and none is.
 */
export function parseRealtimeConfig(
  env: Env = process.env,
  required = false,
): RealtimeConfig | undefined {
  const read = reader(env);
  if (
    !required &&
    !read.optional('subscriptionsTableName') &&
    !read.optional('websocketCallbackUrl')
  )
    return undefined;
  return read.done({
    subscriptionsTableName: read.required('subscriptionsTableName'),
    callbackUrl: read.required('websocketCallbackUrl', (v) =>
      /^https?:\/\/\S+$/.test(v) ? undefined : 'must be an http(s) URL',
    ),
  });
}

/** What the WebSocket function needs: the orders it reads, its callers' tokens, the subscriptions. */
export interface WebSocketConfig
  extends Pick<AppConfig, 'region' | 'tableName' | 'auth' | 'introspection'> {
  readonly realtime: RealtimeConfig;
}

/** Parses the WebSocket function's configuration; throws a {@link ConfigError} naming every problem. */
export function parseWebSocketConfig(env: Env = process.env): WebSocketConfig {
  const read = reader(env);
  const config = read.done({
    region: read.required('region'),
    tableName: read.required('tableName'),
    introspection: read.flag('introspection'),
    auth: parseAuth(read),
  });
  return { ...config, realtime: parseRealtimeConfig(env, true) as RealtimeConfig };
}
