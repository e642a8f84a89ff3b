import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { OrderMetric } from '../observability/metrics.js';
import { httpApiEvent, testLambdaContext } from '../testing/api-gateway-events.js';
import { orderInput, PLACE_ORDER } from '../testing/graphql-client.js';
import { createTestOrderSystem } from '../testing/order-system.js';

type HandlerModule = typeof import('./graphql.js');
let lambda: HandlerModule;
let stdout: string[] = [];

beforeAll(async () => {
  const sys = await createTestOrderSystem();
  // A table the function's role cannot reach, as after a broken deployment: DynamoDB refuses
  // every call, which no retry fixes, so the resolver fails with an unexpected error.
  Object.assign(process.env, sys.env, {
    ORDERS_TABLE_NAME: `missing-${randomUUID()}`,
    POWERTOOLS_METRICS_DISABLED: 'false',
  });
  lambda = await import('./graphql.js');
});

afterEach(() => {
  vi.restoreAllMocks();
  stdout = [];
});

async function post(body: string) {
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
  const result = (await lambda.handler(
    httpApiEvent({ body }),
    testLambdaContext(),
    () => undefined,
  )) as APIGatewayProxyStructuredResultV2;
  vi.restoreAllMocks();
  return { status: result.statusCode, body: JSON.parse(result.body ?? '{}') };
}

/** The `GraphqlErrors` records written in embedded metric format, with their dimensions. */
function graphqlErrorRecords() {
  return stdout
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((record) => OrderMetric.GraphqlErrors in record)
    .map((record) => {
      const [directive] = (
        record._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] }
      ).CloudWatchMetrics;
      return {
        namespace: directive?.Namespace,
        dimensions: directive?.Dimensions,
        service: record.service,
        code: record.code,
        count: record[OrderMetric.GraphqlErrors],
      };
    });
}

describe('the GraphQL error metric', () => {
  it('counts an INTERNAL_SERVER_ERROR by code when a resolver fails on an unexpected DynamoDB error', async () => {
    const placeOrder = JSON.stringify({
      query: PLACE_ORDER,
      variables: { input: orderInput({ customerId: 'c-1', idempotencyKey: randomUUID() }) },
    });

    const response = await post(placeOrder);

    // HTTP 200: neither the function's Errors nor the API's 5xx would see this failure.
    expect(response.status).toBe(200);
    expect(response.body.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(graphqlErrorRecords()).toEqual([
      {
        namespace: 'OrderProcessing',
        dimensions: [expect.arrayContaining(['service', 'code'])],
        service: 'order-api',
        code: 'INTERNAL_SERVER_ERROR',
        count: 1,
      },
    ]);
  });

  it("counts a client's mistake under its own code, which no alarm watches", async () => {
    const response = await post(JSON.stringify({ query: '{ order(id: ) }' }));

    expect(response.status).toBe(400);
    expect(graphqlErrorRecords()).toEqual([
      expect.objectContaining({ code: 'GRAPHQL_PARSE_FAILED', count: 1 }),
    ]);
  });
});
