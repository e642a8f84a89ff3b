import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, OrderOutcomeUnknownError } from '../domain/errors.js';
import { createAuthenticator } from '../graphql/authentication.js';
import { createHttpApiHandler } from '../graphql/lambda-handler.js';
import { httpApiEvent, testLambdaContext } from '../testing/api-gateway-events.js';
import { orderInput, PLACE_ORDER } from '../testing/graphql-client.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import {
  type ProxiedOrderSystem,
  REQUEST_DEADLINE_BOUND_MS,
  startProxiedOrderSystem,
} from '../testing/proxied-clients.js';
import { placeOrder } from '../use-cases/place-order.js';
import { readOrderSystemState } from './audit.js';
import { orderRequest } from './client.js';

let sys: TestOrderSystem;
let proxied: ProxiedOrderSystem;

beforeAll(async () => {
  sys = await createTestOrderSystem();
  proxied = await startProxiedOrderSystem(sys.resources);
});
afterAll(() => proxied.stop());
beforeEach(async () => {
  proxied.calm();
  await readOrderSystemState(sys.clients, sys.resources);
});

const mine = async (tag: string) =>
  (await sys.scanOrders()).filter((o) => o.customerEmail === `${tag}@example.com`);

describe('the API against a stalled DynamoDB', () => {
  const handler = () =>
    createHttpApiHandler({
      deps: proxied.deps,
      authenticate: createAuthenticator({ mode: 'off' }),
      logger: { error: () => undefined },
    });
  const place = async (input: Record<string, unknown>) => {
    const started = performance.now();
    const result = (await handler()(
      httpApiEvent({ body: JSON.stringify({ query: PLACE_ORDER, variables: { input } }) }),
      testLambdaContext(),
      () => undefined,
    )) as APIGatewayProxyStructuredResultV2;
    return {
      status: result.statusCode,
      extensions: JSON.parse(result.body ?? '{}').errors?.[0]?.extensions,
      elapsed: performance.now() - started,
    };
  };
  const stallEverything = () => {
    for (const action of ['PutItem', 'GetItem']) proxied.proxies.dynamodb.fail(action, 'stall', 10);
  };

  it.each([
    [
      'with an idempotency key',
      { idempotencyKey: randomUUID() },
      ErrorCode.ServiceUnavailable,
      true,
    ],
    ['without a key', {}, ErrorCode.OrderOutcomeUnknown, undefined],
  ])(
    'answers HTTP 200 with a typed error within the deadline when every DynamoDB call stalls and the request comes %s',
    async (_, extra, code, retryable) => {
      // Prepare
      stallEverything();

      // Act
      const answer = await place(orderInput({ customerId: `c-${randomUUID()}`, ...extra }));

      // Assess
      expect(answer.status).toBe(200);
      expect(answer.extensions).toEqual({ code, ...(retryable && { retryable }) });
      expect(proxied.proxies.dynamodb.log.some((f) => f.fault === 'stall')).toBe(true);
      expect(answer.elapsed).toBeLessThanOrEqual(REQUEST_DEADLINE_BOUND_MS);
    },
  );
});

describe('a put whose outcome is unknown', () => {
  it('acknowledges the one order stored when the answer to a keyless put is lost', async () => {
    // Prepare
    const tag = `lost-${randomUUID()}`;
    const { idempotencyKey: _, ...keyless } = orderRequest(tag, `c-${randomUUID()}`, 'unused');
    proxied.proxies.dynamodb.fail('PutItem', 'lost-response', 3);

    // Act
    const { order } = await placeOrder(proxied.deps, keyless);

    // Assess
    expect(await mine(tag)).toEqual([expect.objectContaining({ id: order.id, queued: true })]);
  });

  it('tells a keyless client not to retry blindly when neither the put nor the read that would settle it is answered', async () => {
    // Prepare
    const tag = `unknown-${randomUUID()}`;
    const { idempotencyKey: _, ...keyless } = orderRequest(tag, `c-${randomUUID()}`, 'unused');
    proxied.proxies.dynamodb.fail('PutItem', 'lost-response', 3);
    proxied.proxies.dynamodb.fail('GetItem', 'reset', 3);

    // Act
    const failure = await placeOrder(proxied.deps, keyless).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(OrderOutcomeUnknownError);
    expect(failure).toMatchObject({ code: 'ORDER_OUTCOME_UNKNOWN', retryable: false });
    expect(await mine(tag)).toHaveLength(1);
  });

  it('tells a keyless client to retry, and the retry makes one order, when the read shows the put was not carried out', async () => {
    // Prepare
    const tag = `refused-${randomUUID()}`;
    const { idempotencyKey: _, ...keyless } = orderRequest(tag, `c-${randomUUID()}`, 'unused');
    proxied.proxies.dynamodb.fail('PutItem', 'reset', 3);

    // Act
    const failure = await placeOrder(proxied.deps, keyless).catch((error: unknown) => error);
    const retry = await placeOrder(proxied.deps, keyless);

    // Assess
    expect(failure).toMatchObject({ code: ErrorCode.ServiceUnavailable, retryable: true });
    expect(await mine(tag)).toEqual([expect.objectContaining({ id: retry.order.id })]);
  });
});

describe('one alert per order', () => {
  it('sends one alert and one queue message when five requests with the same key arrive at once', async () => {
    // Prepare
    const tag = `five-${randomUUID()}`;
    const request = orderRequest(tag, `c-${randomUUID()}`, randomUUID());

    // Act
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => placeOrder(sys.deps, request)),
    );

    // Assess
    expect(new Set(answers.map((a) => a.order.id)).size).toBe(1);
    const id = answers[0]?.order.id ?? '';
    const state = await readOrderSystemState(sys.clients, sys.resources);
    expect(state.alerts.get(id)).toBe(1);
    expect(state.messages.get(id)).toBe(1);
    expect(await mine(tag)).toEqual([expect.objectContaining({ queued: true, alerted: true })]);
  });
});
