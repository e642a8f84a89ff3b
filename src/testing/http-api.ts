import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { GraphQLFormattedError } from 'graphql';
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
  ): Promise<HttpApiAnswer<T>>;
}

/** A handler with authentication off, as API Gateway would invoke it in AWS. */
export function createTestHttpApi(sys: Pick<TestOrderSystem, 'deps'>): TestHttpApi {
  const logged: unknown[] = [];
  const handler = createHttpApiHandler({
    deps: sys.deps,
    authenticate: createAuthenticator({ mode: 'off' }),
    logger: { error: (_, details) => logged.push(details) },
  });
  return {
    logged,
    async post<T>(query: string, variables?: Record<string, unknown>) {
      const body = JSON.stringify({ query, ...(variables && { variables }) });
      const result = (await handler(
        httpApiEvent({ body }),
        testLambdaContext(),
        () => undefined,
      )) as APIGatewayProxyStructuredResultV2;
      const text = result.body ?? '';
      return { status: result.statusCode ?? 200, text, ...JSON.parse(text) } as HttpApiAnswer<T>;
    },
  };
}
