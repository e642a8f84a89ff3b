import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Path of the GraphQL endpoint. */
export const GRAPHQL_PATH = '/graphql';

/** Path of the same endpoint for tokens of the administrators' user pool. */
export const ADMIN_GRAPHQL_PATH = '/admin/graphql';

/** Steady-state requests per second and burst the default stage admits before answering 429. */
export const DEFAULT_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/** The issuer (`iss` claim) of the tokens a Cognito user pool signs. */
export function cognitoIssuer(pool: cognito.IUserPool): string {
  return `https://cognito-idp.${Stack.of(pool).region}.amazonaws.com/${pool.userPoolId}`;
}

/**
 * One access-log line per request, with what the runbooks query: the request, who sent it (IP
 * and token subject), the answer's status and latency, and why it failed (integration or
 * authorizer error). Left out, a line being paid per byte: the request time (each log event has
 * its timestamp), method, route and protocol (one route, `POST /graphql`), response length and
 * integration latency.
 */
export const ACCESS_LOG_FORMAT = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  caller: '$context.authorizer.claims.sub',
  status: '$context.status',
  responseLatency: '$context.responseLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
} as const;

/** Props of {@link GraphqlHttpApi}. */
export interface GraphqlHttpApiProps {
  /** The function that serves GraphQL (API Gateway payload format 2.0). */
  readonly handler: lambda.IFunction;
  /** The user pool whose tokens the API accepts. */
  readonly userPool: cognito.IUserPool;
  /** The app client: tokens must be issued to it. */
  readonly userPoolClient: cognito.IUserPoolClient;
  /**
   * The administrators' user pool and app client: {@link ADMIN_GRAPHQL_PATH} accepts only their
   * tokens (routed to the same function).
   * @default - no admin route
   */
  readonly admin?: {
    readonly userPool: cognito.IUserPool;
    readonly userPoolClient: cognito.IUserPoolClient;
  };
  /**
   * Browser origins allowed to call the API (CORS). With none, the API answers no preflight and
   * browsers on other origins cannot call it; server-side clients are not affected.
   * @default - none
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Requests per second (and burst) on the default stage.
   * @default DEFAULT_THROTTLE
   */
  readonly throttle?: apigw.ThrottleSettings;
  /**
   * How long access logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the access log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * The public GraphQL endpoint: an HTTP API with `GET` and `POST /graphql` (and, for
 * administrators, `/admin/graphql`) routed to the GraphQL function. Every route requires a JWT
 * issued by its user pool to its app client; API Gateway
 * verifies it (signature, issuer, audience, expiry) and refuses calls without one with 401
 * before the function runs. The default stage is throttled and writes JSON access logs.
 */
export class GraphqlHttpApi extends Construct {
  /** The HTTP API. */
  readonly api: apigw.HttpApi;
  /** The auto-deployed default stage. */
  readonly stage: apigw.HttpStage;
  /** The access log group. */
  readonly accessLogs: logs.LogGroup;
  /** The full URL of the GraphQL endpoint. */
  readonly graphqlUrl: string;
  /** The full URL of the administrators' GraphQL endpoint, when there is one. */
  readonly adminGraphqlUrl?: string;

  constructor(scope: Construct, id: string, props: GraphqlHttpApiProps) {
    super(scope, id);
    const origins = props.allowedOrigins ?? [];
    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'Order system GraphQL API',
      createDefaultStage: false,
      ...(origins.length > 0 && {
        corsPreflight: {
          allowOrigins: [...origins],
          allowMethods: [apigw.CorsHttpMethod.GET, apigw.CorsHttpMethod.POST],
          allowHeaders: ['authorization', 'content-type', 'apollo-require-preflight'],
          maxAge: Duration.hours(1),
        },
      }),
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? DEFAULT_THROTTLE,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FORMAT)),
      },
    });

    const integration = new HttpLambdaIntegration('GraphqlFunction', props.handler, {
      payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
    });
    const route = (
      path: string,
      authorizerId: string,
      pool: cognito.IUserPool,
      client: cognito.IUserPoolClient,
    ) =>
      this.api.addRoutes({
        path,
        methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST],
        integration,
        authorizer: new HttpJwtAuthorizer(authorizerId, cognitoIssuer(pool), {
          jwtAudience: [client.userPoolClientId],
          identitySource: ['$request.header.Authorization'],
        }),
      });
    route(GRAPHQL_PATH, 'CognitoJwt', props.userPool, props.userPoolClient);
    if (props.admin) {
      route(
        ADMIN_GRAPHQL_PATH,
        'AdminCognitoJwt',
        props.admin.userPool,
        props.admin.userPoolClient,
      );
      this.adminGraphqlUrl = `${this.api.apiEndpoint}${ADMIN_GRAPHQL_PATH}`;
    }
    this.graphqlUrl = `${this.api.apiEndpoint}${GRAPHQL_PATH}`;
  }
}
