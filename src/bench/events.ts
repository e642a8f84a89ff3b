import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';

/**
 * The issuer of the bench's admin claims; the bench sets the function's `ADMIN_ISSUER` to it, as
 * the stack sets it to the administrators' pool.
 */
export const BENCH_ADMIN_ISSUER =
  'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_benchadmins';

/** An API Gateway HTTP API (payload v2) event carrying a GraphQL POST from an authorized admin, as Lambda receives it. */
export function graphqlHttpEvent(
  query: string,
  variables: Record<string, unknown> = {},
  requestId = 'bench-request',
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const now = new Date();
  return {
    version: '2.0',
    routeKey: 'POST /graphql',
    rawPath: '/graphql',
    rawQueryString: '',
    headers: {
      accept: 'application/json',
      'content-type': 'application/json',
      host: 'abc123.execute-api.us-east-1.amazonaws.com',
      'user-agent': 'order-api-bench',
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: {
        method: 'POST',
        path: '/graphql',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'order-api-bench',
      },
      // As API Gateway's JWT authorizer passes them on: an admin may place and read any order.
      authorizer: {
        jwt: {
          claims: {
            sub: 'bench-admin',
            'cognito:groups': '[admins]',
            iss: BENCH_ADMIN_ISSUER,
          },
          scopes: null,
        },
      },
      requestId,
      routeKey: 'POST /graphql',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: JSON.stringify({ query, variables }),
    isBase64Encoded: false,
  };
}

/** A Lambda context for one invocation; only its identifiers matter to the handler. */
export function lambdaContext(awsRequestId = 'bench-request'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'order-api-graphql',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:order-api-graphql',
    memoryLimitInMB: '1024',
    awsRequestId,
    logGroupName: '/aws/lambda/order-api-graphql',
    logStreamName: '2026/01/01/[$LATEST]bench',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The GraphQL operations the bench sends. */
export const OPERATIONS = {
  order: 'query Order($id: ID!) { order(id: $id) { id status total { amount currency } } }',
  placeOrder: `mutation Place($input: PlaceOrderInput!) {
    placeOrder(input: $input) { order { id status total { amount currency } } }
  }`,
} as const;

/** A valid placeOrder input; `n` makes the customer, key and order unique. */
export function placeOrderInput(n: string) {
  return {
    customerId: `bench-customer-${n}`,
    customerEmail: `customer-${n}@example.com`,
    currency: 'EUR',
    idempotencyKey: `bench-${n}`,
    items: [
      { sku: 'SKU-1', quantity: 2, unitPrice: 1250 },
      { sku: 'SKU-2', quantity: 1, unitPrice: 499 },
    ],
  };
}
