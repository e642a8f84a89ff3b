import type { ApolloServer } from '@apollo/server';
import { Lexer, type OperationDefinitionNode, parse, Source, TokenKind } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRUSTED_CALLER } from '../domain/caller.js';
import { ORDER_FIELDS } from '../testing/graphql-client.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { PAGE_SIZE } from '../use-cases/list-orders.js';
import { largestAnswerBytes } from './answer-size.js';
import { OPERATION_LIMITS } from './armor.js';
import type { GraphQLContext } from './context.js';
import { ORDER_ANSWER_BOUNDS } from './order-answer-bounds.js';
import { createGraphQLServer, orderSchema } from './server.js';

let sys: TestOrderSystem;
const logged: unknown[] = [];
const logger = { error: (_: string, details: Record<string, unknown>) => logged.push(details) };
const closed = createGraphQLServer({ logger });
const open = createGraphQLServer({ logger, introspection: true });

beforeAll(async () => {
  sys = await createTestOrderSystem();
});

interface Outcome {
  readonly status: number | undefined;
  readonly data: unknown;
  readonly codes: readonly unknown[];
  readonly messages: readonly string[];
}

async function run(
  query: string,
  server: ApolloServer<GraphQLContext> = closed,
  variables?: Record<string, unknown>,
): Promise<Outcome> {
  const response = await server.executeOperation(
    { query, ...(variables && { variables }) },
    { contextValue: { deps: sys.deps, caller: TRUSTED_CALLER, requestId: 'limits' } },
  );
  if (response.body.kind !== 'single') throw new Error('Expected a single result');
  const { data, errors = [] } = response.body.singleResult;
  return {
    status: response.http.status,
    data,
    codes: errors.map((e) => e.extensions?.code),
    messages: errors.map((e) => e.message),
  };
}

const repeat = (n: number, text: string) => Array.from({ length: n }, () => text).join(' ');
const nested = (depth: number) => `{ ${'a { '.repeat(depth - 1)}a${' }'.repeat(depth - 1)} }`;
const aliases = (n: number) =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: order(id: "ord_${i}") { id }`).join(' ')} }`;
const directives = (n: number) =>
  `{ order(id: "ord_x") { ${repeat(n, 'id @include(if: true)')} } }`;
const countTokens = (document: string) => {
  const lexer = new Lexer(new Source(document));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  return count;
};
/**
 * A valid document of exactly `n` lexical tokens: an order literal grown item by item in a
 * skipped field, then topped up with `__typename`. Repeating one field instead would trip
 * graphql's own budget on comparing overlapping fields.
 */
function tokens(n: number): string {
  const build = (items: number, extra: number) =>
    `mutation { ${repeat(extra, '__typename')} placeOrder(input: { customerId: "c",
      customerEmail: "a@b.co", currency: "EUR", items: [${Array.from(
        { length: items },
        (_, i) => `{ sku: "S${i}", quantity: 1, unitPrice: 1 }`,
      ).join(' ')}] }) @skip(if: true) { order { id } } }`;
  let items = 1;
  while (countTokens(build(items + 1, 0)) <= n) items += 1;
  const document = build(items, n - countTokens(build(items, 0)));
  expect(countTokens(document)).toBe(n);
  return document;
}
/** A page of orders with every field, as a client listing orders in full would ask for it. */
const fullPage = (first: number) =>
  `{ orders(customerId: "limits", first: ${first}) {
      edges { cursor node { ${ORDER_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
/** The largest `first` of {@link fullPage} whose answer is bounded by the size limit. */
function largestFullPage(): number {
  const schema = orderSchema();
  const bytes = (first: number) => {
    const document = parse(fullPage(first));
    const [operation] = document.definitions as OperationDefinitionNode[];
    return operation && largestAnswerBytes(schema, document, operation, {}, ORDER_ANSWER_BOUNDS);
  };
  let first = 1;
  while ((bytes(first + 1) ?? Number.POSITIVE_INFINITY) <= OPERATION_LIMITS.answerBytes) first += 1;
  return first;
}

const accepted = (outcome: Outcome) => {
  expect(outcome.messages).toEqual([]);
  expect(outcome.status ?? 200).toBe(200);
};
const refused = (outcome: Outcome, code: string, message: RegExp) => {
  expect(outcome.status).toBe(400);
  expect(outcome.data).toBeUndefined();
  expect(outcome.codes).toContain(code);
  expect(outcome.messages).toContainEqual(expect.stringMatching(message));
};

describe('operation limits', () => {
  it('accepts the deepest query the schema allows when it stays within the depth limit', async () => {
    accepted(await run(fullPage(1)));
  });

  it('refuses a selection only when it nests deeper than the depth limit', async () => {
    const atLimit = await run(nested(OPERATION_LIMITS.depth));
    const past = await run(nested(OPERATION_LIMITS.depth + 1));

    // No field is named `a`, so both fail validation; only the deeper one for its depth.
    expect(atLimit.messages).not.toContainEqual(expect.stringMatching(/depth/i));
    refused(past, 'GRAPHQL_VALIDATION_FAILED', /Query depth limit of 8 exceeded, found 9/);
  });

  it('refuses aliases only when there are more than the alias limit', async () => {
    accepted(await run(aliases(OPERATION_LIMITS.aliases)));
    refused(
      await run(aliases(OPERATION_LIMITS.aliases + 1)),
      'GRAPHQL_VALIDATION_FAILED',
      /Aliases limit of 10 exceeded, found 11/,
    );
  });

  it('refuses directives only when there are more than the directive limit', async () => {
    accepted(await run(directives(OPERATION_LIMITS.directives)));
    refused(
      await run(directives(OPERATION_LIMITS.directives + 1)),
      'GRAPHQL_VALIDATION_FAILED',
      /Directives limit of 10 exceeded, found 11/,
    );
  });

  it('refuses a document only when it holds more tokens than the token limit', async () => {
    accepted(await run(tokens(OPERATION_LIMITS.tokens)));
    refused(
      await run(tokens(OPERATION_LIMITS.tokens + 1)),
      'GRAPHQL_PARSE_FAILED',
      /more that 1000 tokens/,
    );
  });

  it('answers 400, not 500, when the document has a syntax error', async () => {
    refused(await run('{ order(id: "ord_x") { id '), 'GRAPHQL_PARSE_FAILED', /Syntax Error/);
  });

  it('refuses a page of full orders only when its largest answer is past the size limit', async () => {
    const largest = largestFullPage();

    accepted(await run(fullPage(largest)));
    refused(
      await run(fullPage(largest + 1)),
      'GRAPHQL_VALIDATION_FAILED',
      new RegExp(`Answer size limit of ${OPERATION_LIMITS.answerBytes} bytes exceeded`),
    );
  });

  it('admits the default page with every order field, and the largest page without items', async () => {
    expect(largestFullPage()).toBeGreaterThanOrEqual(PAGE_SIZE.default);
    accepted(
      await run(`{ orders(customerId: "limits", first: ${PAGE_SIZE.max}) {
        edges { cursor node { id customerId customerEmail status createdAt total { amount currency } } }
        pageInfo { hasNextPage endCursor } } }`),
    );
  });

  it('refuses a subscription with a validation error when it comes over HTTP', async () => {
    refused(
      await run('subscription { allOrdersUpdated { id } }'),
      'GRAPHQL_VALIDATION_FAILED',
      /no subscription operations/,
    );
  });

  it('logs no unexpected error when operations are refused', () => {
    expect(logged).toEqual([]);
  });
});

describe('introspection and suggestions', () => {
  const introspect = '{ __schema { queryType { name } } }';
  const typo = '{ order(id: "ord_x") { statu } }';
  const enumTypo = '{ orders(customerId: "limits", status: RECIEVED) { edges { cursor } } }';
  const variableTypo =
    'query($s: OrderStatus) { orders(customerId: "limits", status: $s) { edges { cursor } } }';

  it('refuses introspection and hides every suggestion when introspection is off', async () => {
    refused(await run(introspect), 'GRAPHQL_VALIDATION_FAILED', /introspection is not allowed/i);
    const field = await run(typo);
    const value = await run(enumTypo);

    refused(field, 'GRAPHQL_VALIDATION_FAILED', /^Cannot query field "statu" on type "Order"\.$/);
    refused(value, 'GRAPHQL_VALIDATION_FAILED', /^Value "RECIEVED" does not exist/);
    const variable = await run(variableTypo, closed, { s: 'RECIEVED' });
    refused(variable, 'BAD_USER_INPUT', /Value "RECIEVED" does not exist/);
    expect([...field.messages, ...value.messages, ...variable.messages].join('\n')).not.toMatch(
      /did you mean/i,
    );
  });

  it('answers introspection and suggests names when introspection is on', async () => {
    const schema = await run(introspect, open);
    const field = await run(typo, open);
    const value = await run(enumTypo, open);

    accepted(schema);
    expect(schema.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect(field.messages).toContainEqual(expect.stringMatching(/Did you mean "status"\?/));
    expect(value.messages).toContainEqual(
      expect.stringMatching(/Did you mean the enum value "RECEIVED"\?/),
    );
    const variable = await run(variableTypo, open, { s: 'RECIEVED' });
    expect(variable.messages).toContainEqual(expect.stringMatching(/Did you mean the enum value/));
  });
});
