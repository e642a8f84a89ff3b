import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { httpApiEvent, restApiEvent, testLambdaContext } from '../testing/api-gateway-events.js';
import { orderInput, PLACE_ORDER } from '../testing/graphql-client.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';

type HandlerModule = typeof import('./graphql.js');
let sys: TestOrderSystem;
let lambda: HandlerModule;

beforeAll(async () => {
  sys = await createTestOrderSystem();
  Object.assign(process.env, sys.env);
  lambda = await import('./graphql.js');
});

const noCallback = () => undefined;

async function invokeHttpApi(request: Parameters<typeof httpApiEvent>[0]) {
  const result = (await lambda.handler(
    httpApiEvent(request),
    testLambdaContext(),
    noCallback,
  )) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, body: result.body ?? '', headers: result.headers ?? {} };
}

async function invokeRestApi(request: Parameters<typeof restApiEvent>[0]) {
  const result = (await lambda.restApiHandler(
    restApiEvent(request),
    testLambdaContext(),
    noCallback,
  )) as APIGatewayProxyResult;
  return { status: result.statusCode, body: result.body, headers: result.headers ?? {} };
}

const placeOrderBody = (customerId: string) =>
  JSON.stringify({ query: PLACE_ORDER, variables: { input: orderInput({ customerId }) } });

describe('GraphQL Lambda handler', () => {
  it('places an order when an HTTP API v2 event posts JSON', async () => {
    const customerId = `c-${randomUUID()}`;
    const response = await invokeHttpApi({ body: placeOrderBody(customerId) });

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    // Orders are one customer's data: no browser or proxy may keep them.
    expect(response.headers['cache-control']).toBe('no-store');
    const body = JSON.parse(response.body);
    expect(body.errors).toBeUndefined();
    expect(body.data.placeOrder.order).toMatchObject({
      customerId,
      status: 'RECEIVED',
      total: { amount: 2699 },
    });
    expect(body.data.placeOrder.order.createdAt).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/,
    );
    expect(await sys.rawOrder(body.data.placeOrder.order.id)).toBeDefined();
  });

  it('places an order when a REST API v1 event posts JSON', async () => {
    const customerId = `c-${randomUUID()}`;
    const response = await invokeRestApi({ body: placeOrderBody(customerId) });

    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(response.body).data.placeOrder.order.customerId).toBe(customerId);
  });

  it('answers 400 and stores nothing when the JSON body is malformed', async () => {
    const before = (await sys.scanOrders()).length;
    const v2 = await invokeHttpApi({ body: '{"query": "mutation {' });
    const v1 = await invokeRestApi({ body: '{"query": ' });

    expect(v2.status).toBe(400);
    expect(v1.status).toBe(400);
    expect((await sys.scanOrders()).length).toBe(before);
  });

  it('answers 400 through CSRF prevention when the content type is missing', async () => {
    const response = await invokeHttpApi({ headers: {}, body: placeOrderBody('csrf-customer') });

    expect(response.status).toBe(400);
    expect(response.body).toMatch(/CSRF/i);
    expect((await sys.scanOrders()).filter((o) => o.customerId === 'csrf-customer')).toHaveLength(
      0,
    );
  });

  it('refuses a mutation sent with GET and stores nothing', async () => {
    const query = `mutation { placeOrder(input: { customerId: "get-customer", customerEmail: "a@b.co", currency: "EUR", items: [{ sku: "A", quantity: 1, unitPrice: 1 }] }) { order { id } } }`;
    const response = await invokeHttpApi({
      method: 'GET',
      headers: { 'apollo-require-preflight': 'true' },
      query: { query },
    });

    expect(response.status).toBe(405);
    expect((await sys.scanOrders()).filter((o) => o.customerId === 'get-customer')).toHaveLength(0);
  });

  it('answers a query sent with GET when the preflight header is present', async () => {
    const response = await invokeHttpApi({
      method: 'GET',
      headers: { 'apollo-require-preflight': 'true' },
      query: { query: '{ order(id: "ord_none") { id } }' },
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ data: { order: null } });
  });

  it('hides the schema and the landing page when configured as in AWS', async () => {
    const introspection = await invokeHttpApi({
      body: JSON.stringify({ query: '{ __schema { types { name } } }' }),
    });
    expect(JSON.parse(introspection.body).errors[0].extensions.code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );

    const page = await invokeHttpApi({ method: 'GET', headers: { accept: 'text/html' } });
    expect(page.body).not.toMatch(/sandbox/i);
  });
});
