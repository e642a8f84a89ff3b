import type { ApolloServer } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { type Caller, TRUSTED_CALLER } from '../domain/caller.js';
import type { GraphQLContext } from '../graphql/context.js';
import { createGraphQLServer } from '../graphql/server.js';
import type { OrderDependencies } from '../use-cases/dependencies.js';

export interface GraphQLResult<T> {
  data?: T | null;
  errors?: readonly GraphQLFormattedError[];
}

/** Runs operations through Apollo's full request pipeline, as resolver tests should. */
export interface GraphQLTestClient {
  readonly server: ApolloServer<GraphQLContext>;
  readonly logged: unknown[];
  execute<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResult<T>>;
}

/** A client acting as `caller`; by default trusted, as with authentication off. */
export function createGraphQLTestClient(
  deps: OrderDependencies,
  caller: Caller = TRUSTED_CALLER,
): GraphQLTestClient {
  const logged: unknown[] = [];
  const server = createGraphQLServer({ logger: { error: (_, details) => logged.push(details) } });
  let requests = 0;
  return {
    server,
    logged,
    async execute<T>(query: string, variables?: Record<string, unknown>) {
      requests += 1;
      const response = await server.executeOperation<T>(
        { query, ...(variables && { variables }) },
        { contextValue: { deps, caller, requestId: `test-${requests}` } },
      );
      if (response.body.kind !== 'single') throw new Error('Expected a single result');
      return response.body.singleResult as GraphQLResult<T>;
    },
  };
}

export const ORDER_FIELDS = `
  id customerId customerEmail status createdAt updatedAt processedAt cancelledAt
  items { sku quantity unitPrice { amount currency } lineTotal { amount currency } }
  total { amount currency }
`;

export const PLACE_ORDER = `mutation PlaceOrder($input: PlaceOrderInput!) {
  placeOrder(input: $input) { order { ${ORDER_FIELDS} } }
}`;

export const GET_ORDER = `query Order($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`;

export const LIST_ORDERS = `query Orders($customerId: ID!, $status: OrderStatus, $first: Int, $after: String) {
  orders(customerId: $customerId, status: $status, first: $first, after: $after) {
    edges { cursor node { id status createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export interface PlacedOrderData {
  placeOrder: {
    order: { id: string; status: string; total: { amount: number; currency: string } } & Record<
      string,
      unknown
    >;
  };
}

/** A valid order input; override what a test is about. */
export function orderInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    customerId: 'customer-1',
    customerEmail: 'ada@example.com',
    currency: 'EUR',
    items: [
      { sku: 'BOOK-1', quantity: 2, unitPrice: 1250 },
      { sku: 'PEN-7', quantity: 1, unitPrice: 199 },
    ],
    ...overrides,
  };
}
