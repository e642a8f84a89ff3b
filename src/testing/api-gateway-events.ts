import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { lambdaContext } from '../local/http-gateway.js';

export interface HttpRequest {
  readonly method?: 'GET' | 'POST' | 'OPTIONS';
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly query?: Record<string, string>;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** An API Gateway HTTP API (payload format 2.0) event, as API Gateway sends it to Lambda. */
export function httpApiEvent({
  method = 'POST',
  headers = JSON_HEADERS,
  body,
  query,
}: HttpRequest = {}): APIGatewayProxyEventV2 {
  const rawQueryString = new URLSearchParams(query).toString();
  return {
    version: '2.0',
    routeKey: `${method} /graphql`,
    rawPath: '/graphql',
    rawQueryString,
    headers: { host: 'api.example.com', 'user-agent': 'vitest', ...headers },
    ...(query && { queryStringParameters: query }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: {
        method,
        path: '/graphql',
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'vitest',
      },
      requestId: 'req-v2',
      routeKey: `${method} /graphql`,
      stage: '$default',
      time: '25/Nov/2026:10:00:00 +0000',
      timeEpoch: 1_795_600_000_000,
    },
    ...(body !== undefined && { body }),
    isBase64Encoded: false,
  };
}

/** An API Gateway REST API (payload format 1.0) proxy event. */
export function restApiEvent({
  method = 'POST',
  headers = JSON_HEADERS,
  body,
  query,
}: HttpRequest = {}): APIGatewayProxyEvent {
  const allHeaders = { Host: 'api.example.com', 'User-Agent': 'vitest', ...headers };
  return {
    resource: '/graphql',
    path: '/graphql',
    httpMethod: method,
    headers: allHeaders,
    multiValueHeaders: Object.fromEntries(Object.entries(allHeaders).map(([k, v]) => [k, [v]])),
    queryStringParameters: query ?? null,
    multiValueQueryStringParameters: query
      ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]]))
      : null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: null,
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.7',
        user: null,
        userAgent: 'vitest',
        userArn: null,
      },
      path: '/prod/graphql',
      protocol: 'HTTP/1.1',
      requestId: 'req-v1',
      requestTimeEpoch: 1_795_600_000_000,
      resourceId: 'res1',
      resourcePath: '/graphql',
      stage: 'prod',
    },
    body: body ?? null,
    isBase64Encoded: false,
  };
}

export const testLambdaContext = (requestId = 'lambda-request-1'): Context =>
  lambdaContext(requestId, 'order-api');
