import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { GraphQLFormattedError } from 'graphql';
import type { AuthConfig } from '../config.js';
import { createAuthenticator } from '../graphql/authentication.js';
import { createHttpApiHandler } from '../graphql/lambda-handler.js';
import { httpApiEvent, testLambdaContext } from './api-gateway-events.js';
import type { TestOrderSystem } from './order-system.js';

export interface HttpApiAnswer<T> {
  readonly status: number;
  /** The body as API Gateway would send it. */
  readonly text: string;
  readonly data?: T | null;
  readonly errors?: readonly GraphQLFormattedError[];
}

/** The GraphQL Lambda handler over a test system, called with API Gateway HTTP API events. */
export interface TestHttpApi {
  /** Unexpected errors the handler logged. */
  readonly logged: unknown[];
  post<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<HttpApiAnswer<T>>;
}

/**
 * A handler as API Gateway would invoke it in AWS, with authentication off unless `auth` says
 * otherwise.
 */
export function createTestHttpApi(
  sys: Pick<TestOrderSystem, 'deps'>,
  auth: AuthConfig = { mode: 'off' },
): TestHttpApi {
  const logged: unknown[] = [];
  const handler = createHttpApiHandler({
    deps: sys.deps,
    authenticate: createAuthenticator(auth),
    logger: { error: (_, details) => logged.push(details) },
  });
  return {
    logged,
    async post<T>(query: string, variables?: Record<string, unknown>, headers = {}) {
      const body = JSON.stringify({ query, ...(variables && { variables }) });
      const result = (await handler(
        httpApiEvent({ body, headers: { 'content-type': 'application/json', ...headers } }),
        testLambdaContext(),
        () => undefined,
      )) as APIGatewayProxyStructuredResultV2;
      const text = result.body ?? '';
      return { status: result.statusCode ?? 200, text, ...JSON.parse(text) } as HttpApiAnswer<T>;
    },
  };
}
