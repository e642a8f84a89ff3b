import { readFileSync } from 'node:fs';
import type { APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOrderDependencies } from '../adapters/aws/order-dependencies.js';
import { OPERATION_LIMITS } from '../graphql/armor.js';
import { createAuthenticator } from '../graphql/authentication.js';
import {
  createHttpApiHandler,
  createRestApiHandler,
  MAX_REQUEST_BYTES,
} from '../graphql/lambda-handler.js';
import {
  type HttpRequest,
  httpApiEvent,
  restApiEvent,
  testLambdaContext,
} from '../testing/api-gateway-events.js';
import { ORDER_FIELDS, orderInput } from '../testing/graphql-client.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { PAGE_SIZE } from '../use-cases/list-orders.js';

/** One hostile or malformed request and the answer it must get. */
interface BadRequestCase {
  readonly name: string;
  /** @default 'http' (API Gateway HTTP API, payload v2) */
  readonly api?: 'http' | 'rest';
  /** @default 'POST' */
  readonly method?: 'GET' | 'POST';
  /** @default a JSON content type */
  readonly headers?: Record<string, string>;
  /** The body as sent, byte for byte. */
  readonly body?: string;
  /** A value sent as its JSON text; `{ "$repeat" }` objects inside are expanded first. */
  readonly json?: unknown;
  /** Overrides of a valid `placeOrder` input, sent as the mutation's variables. */
  readonly placeOrder?: Record<string, unknown>;
  /** A body built in code, to keep huge or deep documents out of the fixture. */
  readonly generate?: keyof typeof generators;
  /** Query string parameters (for GET). */
  readonly query?: Record<string, string>;
  readonly expect: {
    readonly status: number;
    /** `extensions.code` of the first error. */
    readonly code?: string;
    /** `extensions.field` of the first error. */
    readonly field?: string;
    /** A pattern some error message matches. */
    readonly message?: string;
    /** A pattern a plain-text (transport) error body matches. */
    readonly text?: string;
    /** The exact `data` of an answer without errors. */
    readonly data?: unknown;
  };
}

const cases: readonly BadRequestCase[] = JSON.parse(
  readFileSync(new URL('./fixtures/bad-requests.json', import.meta.url), 'utf8'),
);

const CORPUS_CUSTOMER = 'edge-corpus';
const INTERNALS = /at \w+ \(|node_modules|Exception|dynamo|sqs|sns/i;

const PLACE_ORDER = `mutation PlaceOrder($input: PlaceOrderInput!) {
  placeOrder(input: $input) { order { id status } }
}`;

const json = (value: unknown) => JSON.stringify(value);
/** A valid placeOrder field written as a literal, to send several in one document. */
const placeOrderField = (key: string) =>
  `placeOrder(input: { customerId: "${CORPUS_CUSTOMER}", customerEmail: "ada@example.com", currency: "EUR", idempotencyKey: "${key}", items: [{ sku: "A", quantity: 1, unitPrice: 5 }] }) { order { id } }`;
const times = (n: number, make: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => make(i)).join(' ');

const generators = {
  'oversized-body': () =>
    json({ query: '{ __typename }', variables: { pad: 'x'.repeat(MAX_REQUEST_BYTES) } }),
  'deep-selection': () => {
    const depth = OPERATION_LIMITS.depth + 1;
    return json({ query: `${'{ a '.repeat(depth)}${'}'.repeat(depth)}` });
  },
  'alias-bomb': () =>
    json({
      query: `{ ${times(OPERATION_LIMITS.aliases + 1, (i) => `a${i}: order(id: "ord_${i}") { id }`)} }`,
    }),
  'fragment-bomb': () => {
    // Each fragment spreads the next twice: small text, exponential work when flattened.
    const levels = 16;
    const fragments = times(
      levels,
      (i) => `fragment F${i} on Order { id ...F${i + 1} ...F${i + 1} }`,
    );
    return json({
      query: `{ order(id: "ord_x") { ...F0 } } ${fragments} fragment F${levels} on Order { status }`,
    });
  },
  'directive-flood': () =>
    json({
      query: `{ order(id: "ord_x") { ${times(OPERATION_LIMITS.directives + 1, () => 'id @include(if: true)')} } }`,
    }),
  'token-flood': () =>
    json({ query: `{ order(id: "ord_x") { ${'id '.repeat(OPERATION_LIMITS.tokens)} } }` }),
  '101-items': () =>
    json({
      query: PLACE_ORDER,
      variables: {
        input: orderInput({
          customerId: CORPUS_CUSTOMER,
          items: Array.from({ length: 101 }, (_, i) => ({
            sku: `SKU-${i}`,
            quantity: 1,
            unitPrice: 1,
          })),
        }),
      },
    }),
  'long-comment-cursor': () => {
    // Date.parse reads this as 2026-01-01; DynamoDB would refuse the key it makes.
    const date = `2026-01-01T00:00:00.000Z (${'x'.repeat(1500)})`;
    const after = Buffer.from(JSON.stringify([date, `ord_${'0'.repeat(32)}`])).toString(
      'base64url',
    );
    return json({
      query: `{ orders(customerId: "${CORPUS_CUSTOMER}", after: "${after}") { edges { cursor } } }`,
    });
  },
  'variable-page-flood': () =>
    json({
      query: `query Flood($n: Int) { ${times(OPERATION_LIMITS.aliases, (i) => `a${i}: orders(customerId: "${CORPUS_CUSTOMER}", first: $n) { edges { node { ${ORDER_FIELDS} } } }`)} }`,
      variables: { n: PAGE_SIZE.max },
    }),
  'default-page-flood': () =>
    json({
      query: `{ ${times(2, (i) => `a${i}: orders(customerId: "${CORPUS_CUSTOMER}") { edges { node { ${ORDER_FIELDS} } } }`)} }`,
    }),
  'variable-default-page': () =>
    json({
      query: `query Page($n: Int = ${PAGE_SIZE.max}) { orders(customerId: "${CORPUS_CUSTOMER}", first: $n) { edges { node { ${ORDER_FIELDS} } } } }`,
    }),
  'place-order-aliases': () =>
    json({
      query: `mutation { ${times(OPERATION_LIMITS.aliases, (i) => `a${i}: ${placeOrderField(`k${i}`)}`)} }`,
    }),
  'place-order-fragments': () =>
    json({
      query: `mutation { ...A ...B } fragment A on Mutation { a: ${placeOrderField('k1')} } fragment B on Mutation { b: ${placeOrderField('k2')} }`,
    }),
  'place-and-cancel': () =>
    json({ query: `mutation { ${placeOrderField('k1')} cancelOrder(id: "ord_x") { id } }` }),
} satisfies Record<string, () => string>;

/** Replaces `{ "$repeat": s, "times": n, "prefix"?, "suffix"? }` with the string it describes. */
function expand(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expand);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (typeof record.$repeat === 'string' && typeof record.times === 'number') {
    return `${record.prefix ?? ''}${record.$repeat.repeat(record.times)}${record.suffix ?? ''}`;
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, expand(v)]));
}

function bodyOf(c: BadRequestCase): string | undefined {
  if (c.generate) return generators[c.generate]();
  if (c.placeOrder) {
    const input = orderInput({ customerId: CORPUS_CUSTOMER, ...(expand(c.placeOrder) as object) });
    return json({ query: PLACE_ORDER, variables: { input } });
  }
  if ('json' in c) return json(expand(c.json));
  return c.body;
}

let sys: TestOrderSystem;
let http: ReturnType<typeof createHttpApiHandler>;
let rest: ReturnType<typeof createRestApiHandler>;
const logged: unknown[] = [];

beforeAll(async () => {
  sys = await createTestOrderSystem();
  const options = {
    deps: createOrderDependencies(sys.clients, sys.resources),
    authenticate: createAuthenticator({ mode: 'off' }),
    logger: { error: (_: string, details: Record<string, unknown>) => logged.push(details) },
  };
  http = createHttpApiHandler(options);
  rest = createRestApiHandler(options);
});

const noCallback = () => undefined;

async function send(
  c: BadRequestCase,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const body = bodyOf(c);
  const request: HttpRequest = {
    ...(c.method && { method: c.method }),
    ...(c.headers && { headers: c.headers }),
    ...(body !== undefined && { body }),
    ...(c.query && { query: c.query }),
  };
  if (c.api === 'rest') {
    const result = (await rest(
      restApiEvent(request),
      testLambdaContext(),
      noCallback,
    )) as APIGatewayProxyResult;
    return { status: result.statusCode, body: result.body, headers: result.headers ?? {} };
  }
  const result = (await http(
    httpApiEvent(request),
    testLambdaContext(),
    noCallback,
  )) as APIGatewayProxyStructuredResultV2;
  return {
    status: result.statusCode ?? 200,
    body: result.body ?? '',
    headers: result.headers ?? {},
  };
}

interface ErrorBody {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

const parsed = (body: string): ErrorBody | undefined => {
  try {
    return JSON.parse(body) as ErrorBody;
  } catch {
    return undefined;
  }
};

describe('GraphQL edge under a corpus of bad requests', () => {
  it('holds more than sixty cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.name, c] as const))(
    'refuses cleanly when the request is: %s',
    async (_, c) => {
      const response = await send(c);

      expect(response.status).toBe(c.expect.status);
      expect(response.status).toBeLessThan(500);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).not.toMatch(INTERNALS);
      expect(response.body).not.toMatch(/did you mean/i);
      const body = parsed(response.body);
      if (c.expect.text !== undefined) {
        expect(body?.errors).toBeUndefined();
        expect(response.body).toMatch(new RegExp(c.expect.text));
        return;
      }
      if (c.expect.data !== undefined) {
        expect(body).toEqual({ data: c.expect.data });
        return;
      }
      const [first] = body?.errors ?? [];
      expect(first?.extensions?.code).toBe(c.expect.code);
      if (c.expect.field !== undefined) expect(first?.extensions?.field).toBe(c.expect.field);
      if (c.expect.message !== undefined) {
        const pattern = new RegExp(c.expect.message);
        expect(body?.errors?.map((e) => e.message)).toContainEqual(expect.stringMatching(pattern));
      }
    },
  );

  // Tests in a file run in order, so this one sees what the whole corpus left behind.
  it('stores, queues, announces and logs nothing when the corpus has run', async () => {
    expect(logged).toEqual([]);
    expect(await sys.scanOrders()).toEqual([]);
    expect(await sys.drain(sys.resources.queueUrl)).toEqual([]);
    expect(await sys.drain(sys.resources.alertQueueUrl)).toEqual([]);
  });
});
