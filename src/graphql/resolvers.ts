import { DateTimeResolver, SafeIntResolver } from 'graphql-scalars';
import { OrderNotFoundError } from '../domain/errors.js';
import { cancelOrder } from '../use-cases/cancel-order.js';
import { getOrder } from '../use-cases/get-order.js';
import { listOrders, type OrderPage } from '../use-cases/list-orders.js';
import { listOrdersByStatus } from '../use-cases/list-orders-by-status.js';
import { placeOrder } from '../use-cases/place-order.js';
import { requireActingFor, requireAdmin, visibleTo } from './caller-access.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { Resolvers } from './generated/types.js';

function toConnection(page: OrderPage) {
  const edges = page.orders.map((order) => ({ node: order, cursor: encodeCursor(order) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      endCursor: page.endAt ? encodeCursor(page.endAt) : (edges.at(-1)?.cursor ?? null),
    },
  };
}

/**
 * Maps GraphQL arguments to the use cases and their results back. Beyond that they only check
 * that the caller acts for the customer concerned, from the verified claims in the context.
 */
export const resolvers: Resolvers = {
  DateTime: DateTimeResolver,
  SafeInt: SafeIntResolver,
  Query: {
    order: async (_, { id }, { deps, caller }) =>
      visibleTo(caller, await getOrder(deps, id)) ?? null,
    orders: async (_, args, { deps, caller }) => {
      requireActingFor(caller, args.customerId, 'customerId');
      const after = args.after == null ? null : decodeCursor(args.after);
      return toConnection(await listOrders(deps, { ...args, after }));
    },
    adminOrders: async (_, { createdAfter, ...args }, { deps, caller }) => {
      requireAdmin(caller, 'adminOrders');
      const after = args.after == null ? null : decodeCursor(args.after);
      // The DateTime scalar hands over a Date, whatever its declared input type.
      const since = createdAfter == null ? null : new Date(createdAfter).toISOString();
      return toConnection(await listOrdersByStatus(deps, { ...args, after, createdAfter: since }));
    },
  },
  Mutation: {
    placeOrder: async (_, { input }, { deps, caller }) => {
      requireActingFor(caller, input.customerId, 'input.customerId');
      return { order: (await placeOrder(deps, input)).order };
    },
    cancelOrder: async (_, { id }, { deps, caller }) => {
      if (caller.kind === 'customer' && visibleTo(caller, await getOrder(deps, id)) === undefined) {
        throw new OrderNotFoundError(id);
      }
      return cancelOrder(deps, id);
    },
  },
  Order: {
    processedAt: (order) => order.processedAt ?? null,
    cancelledAt: (order) => order.cancelledAt ?? null,
  },
};
