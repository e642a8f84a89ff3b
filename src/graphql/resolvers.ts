import { DateTimeResolver } from 'graphql-scalars';
import { cancelOrder } from '../use-cases/cancel-order.js';
import { getOrder } from '../use-cases/get-order.js';
import { listOrders } from '../use-cases/list-orders.js';
import { placeOrder } from '../use-cases/place-order.js';
import type { Resolvers } from './generated/types.js';

/** Maps GraphQL arguments to the use cases and their results back; no rules live here. */
export const resolvers: Resolvers = {
  DateTime: DateTimeResolver,
  Query: {
    order: async (_, { id }, { deps }) => (await getOrder(deps, id)) ?? null,
    orders: async (_, args, { deps }) => {
      const page = await listOrders(deps, args);
      const last = page.orders.at(-1);
      return {
        edges: page.orders.map(({ order, cursor }) => ({ node: order, cursor })),
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: last?.cursor ?? null },
      };
    },
  },
  Mutation: {
    placeOrder: async (_, { input }, { deps }) => ({
      order: (await placeOrder(deps, input)).order,
    }),
    cancelOrder: (_, { id }, { deps }) => cancelOrder(deps, id),
  },
  Order: {
    processedAt: (order) => order.processedAt ?? null,
    cancelledAt: (order) => order.cancelledAt ?? null,
  },
};
