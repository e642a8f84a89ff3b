import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_ENTRIES } from '../../infra/bundling.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { type BuiltBundle, buildBundle } from './bundle.js';
import { graphqlHttpEvent, lambdaContext, OPERATIONS, placeOrderInput } from './events.js';

type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
  callback: () => void,
) => Promise<APIGatewayProxyStructuredResultV2>;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// The bundle leaves modules out on the claim that nothing loads them; running the real bundle
// against the emulators is what proves the claim.
describe('the GraphQL Lambda bundle', () => {
  let outdir: string;
  let bundle: BuiltBundle;
  let system: TestOrderSystem;
  let handler: HttpHandler;

  const call = async (query: string, variables: Record<string, unknown>, status = 200) => {
    const response = await handler(graphqlHttpEvent(query, variables), lambdaContext(), () => {});
    expect(response.statusCode).toBe(status);
    return JSON.parse(response.body ?? '{}') as {
      data?: Record<string, unknown>;
      errors?: unknown;
    };
  };

  const placedOrder = (body: { data?: Record<string, unknown> }) => {
    const data = body.data as { placeOrder: { order: { id: string } } } | undefined;
    if (!data) throw new Error(`No order was placed: ${JSON.stringify(body)}`);
    return data.placeOrder.order;
  };

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'order-api-bundle-'));
    bundle = await buildBundle(join(ROOT, LAMBDA_ENTRIES.graphql), outdir, 'graphql');
    system = await createTestOrderSystem();
    // The handler reads its configuration when its module loads.
    Object.assign(process.env, system.env);
    ({ handler } = (await import(/* @vite-ignore */ pathToFileURL(bundle.file).href)) as {
      handler: HttpHandler;
    });
  });

  afterAll(async () => {
    await rm(outdir, { recursive: true, force: true });
  });

  it('places an order, queues it and alerts when given a placeOrder mutation', async () => {
    const body = await call(OPERATIONS.placeOrder, { input: placeOrderInput('bundle-1') });

    expect(body.errors).toBeUndefined();
    const order = placedOrder(body);
    expect(order).toMatchObject({ status: 'RECEIVED', total: { amount: 2999, currency: 'EUR' } });
    expect(await system.rawOrder(order.id)).toMatchObject({ queued: true, alerted: true });
    const [message] = await system.drain(system.resources.queueUrl);
    expect(JSON.parse(message?.Body ?? '{}')).toMatchObject({ order: { id: order.id } });
    expect(await system.drain(system.resources.alertQueueUrl)).toHaveLength(1);
  });

  it('answers order(id) with the stored order when it exists', async () => {
    const placed = await call(OPERATIONS.placeOrder, { input: placeOrderInput('bundle-2') });
    const { id } = placedOrder(placed);

    const body = await call(OPERATIONS.order, { id });

    expect(body).toEqual({
      data: { order: { id, status: 'RECEIVED', total: { amount: 2999, currency: 'EUR' } } },
    });
    // The DateTime scalar's implementation was set on the schema the bundle builds.
    const dated = await call('query($id: ID!) { order(id: $id) { createdAt } }', { id });
    expect(dated.data).toEqual({
      order: { createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) },
    });
  });

  it('answers a request error with its code when the query is invalid', async () => {
    const body = await call('{ order { id } }', {}, 400);

    expect(body.errors).toMatchObject([{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }]);
  });

  it('holds one copy of Apollo and none of its reporting protobuf, graphql-tools or sha.js', () => {
    const inputs = Object.keys(bundle.metafile.inputs);

    expect(inputs.filter((i) => i.includes('@apollo/server/dist/cjs/'))).toEqual([]);
    expect(inputs.filter((i) => i.includes('usage-reporting-protobuf'))).toEqual([]);
    expect(inputs.filter((i) => i.includes('/sha.js/'))).toEqual([]);
    expect(inputs.filter((i) => i.includes('credential-provider-ini'))).toEqual([]);
    expect(inputs.filter((i) => i.includes('@graphql-tools/'))).toEqual([]);
    expect(inputs.filter((i) => i.includes('/plugin/cacheControl/'))).toEqual([]);
  });
});
