import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { createAuthenticator } from '../graphql/authentication.js';
import { createHttpApiHandler } from '../graphql/lambda-handler.js';
import { createLocalSigningKey, LOCAL_ISSUER, type LocalSigningKey } from '../local/dev-tokens.js';
import { httpApiEvent, testLambdaContext } from '../testing/api-gateway-events.js';
import { LIST_ORDERS, orderInput, PLACE_ORDER } from '../testing/graphql-client.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';

let sys: TestOrderSystem;
let key: LocalSigningKey;
type Handler = ReturnType<typeof createHttpApiHandler>;

async function handlerFor(env: Record<string, string>): Promise<Handler> {
  const config = parseConfig({ ...process.env, ...sys.env, ...env });
  return createHttpApiHandler({
    deps: sys.deps,
    authenticate: createAuthenticator(config.auth),
    logger: { error: () => undefined },
  });
}

async function invoke(handler: Handler, event: APIGatewayProxyEventV2) {
  const result = (await handler(
    event,
    testLambdaContext(),
    () => undefined,
  )) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, body: JSON.parse(result.body ?? '{}') };
}

const placeFor = (customerId: string, headers: Record<string, string> = {}) =>
  httpApiEvent({
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: PLACE_ORDER, variables: { input: orderInput({ customerId }) } }),
  });

beforeAll(async () => {
  sys = await createTestOrderSystem();
  key = await createLocalSigningKey();
});

describe('JWT verification in the function (AUTH_MODE=jwt)', () => {
  let handler: Handler;
  beforeAll(async () => {
    handler = await handlerFor({
      AUTH_MODE: 'jwt',
      JWT_PUBLIC_KEY: key.publicKeyPem,
      JWT_ISSUER: LOCAL_ISSUER,
    });
  });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('places an order when a customer sends a valid token for themselves', async () => {
    const customer = `c-${randomUUID()}`;
    const response = await invoke(
      handler,
      placeFor(customer, bearer(await key.sign({ subject: customer }))),
    );
    expect(response.status).toBe(200);
    expect(response.body.data.placeOrder.order.customerId).toBe(customer);
  });

  it.each([
    ['no token', async () => ({})],
    [
      'a token signed by another key',
      async () => bearer(await (await createLocalSigningKey()).sign({ subject: 'eve' })),
    ],
    [
      'an expired token',
      async () =>
        bearer(await key.sign({ subject: 'eve', expiresIn: Math.floor(Date.now() / 1000) - 60 })),
    ],
    [
      'a token from another issuer',
      async () => bearer(await key.sign({ subject: 'eve', issuer: 'urn:elsewhere' })),
    ],
    [
      'a token whose signature was altered',
      async () => bearer(`${(await key.sign({ subject: 'eve' })).slice(0, -4)}AAAA`),
    ],
  ])(
    'answers 401 UNAUTHENTICATED and stores nothing when the request has %s',
    async (_, headers) => {
      const response = await invoke(handler, placeFor('eve', await headers()));

      expect(response.status).toBe(401);
      expect(response.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect((await sys.scanOrders()).filter((o) => o.customerId === 'eve')).toHaveLength(0);
    },
  );

  it("lets a token in the admin group list any customer's orders", async () => {
    const token = await key.sign({ subject: 'ops', groups: ['admins'] });
    const event = httpApiEvent({
      headers: { 'content-type': 'application/json', ...bearer(token) },
      body: JSON.stringify({ query: LIST_ORDERS, variables: { customerId: 'someone' } }),
    });
    const response = await invoke(handler, event);
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
  });
});

describe('claims from the API Gateway authorizer (AUTH_MODE=apigateway)', () => {
  let handler: Handler;
  beforeAll(async () => {
    handler = await handlerFor({ AUTH_MODE: 'apigateway' });
  });
  const withClaims = (event: APIGatewayProxyEventV2, claims: Record<string, string>) =>
    ({
      ...event,
      requestContext: { ...event.requestContext, authorizer: { jwt: { claims, scopes: [] } } },
    }) as APIGatewayProxyEventV2;

  it('acts as the customer named by the verified claims', async () => {
    const customer = `c-${randomUUID()}`;
    const mine = await invoke(handler, withClaims(placeFor(customer), { sub: customer }));
    const theirs = await invoke(handler, withClaims(placeFor('someone-else'), { sub: customer }));

    expect(mine.status).toBe(200);
    expect(theirs.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('treats members of the admin group as admins when groups come as text', async () => {
    const event = httpApiEvent({
      body: JSON.stringify({ query: LIST_ORDERS, variables: { customerId: 'anyone' } }),
    });
    const response = await invoke(
      handler,
      withClaims(event, { sub: 'ops', 'cognito:groups': '[admins support]' }),
    );
    expect(response.body.errors).toBeUndefined();
  });

  it("grants admin rights only to the admin pool's tokens when ADMIN_ISSUER is set", async () => {
    const adminIssuer = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_admins';
    const strict = await handlerFor({ AUTH_MODE: 'apigateway', ADMIN_ISSUER: adminIssuer });
    const event = httpApiEvent({
      body: JSON.stringify({ query: LIST_ORDERS, variables: { customerId: 'anyone' } }),
    });
    const admin = { sub: 'ops', 'cognito:groups': '[admins]' };

    const fromAdminPool = await invoke(strict, withClaims(event, { ...admin, iss: adminIssuer }));
    const fromCustomerPool = await invoke(
      strict,
      withClaims(event, { ...admin, iss: 'https://cognito-idp.eu-west-1.amazonaws.com/customers' }),
    );

    expect(fromAdminPool.body.errors).toBeUndefined();
    expect(fromCustomerPool.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('answers 401 when the event carries no claims', async () => {
    const response = await invoke(handler, placeFor('nobody'));
    expect(response.status).toBe(401);
  });
});
