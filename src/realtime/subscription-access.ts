import type { Caller } from '../domain/caller.js';
import { ForbiddenError, OrderNotFoundError } from '../domain/errors.js';
import type { Order } from '../domain/order.js';
import { requireActingFor, visibleTo } from '../graphql/caller-access.js';
import type { OrderDependencies } from '../use-cases/dependencies.js';
import { getOrder } from '../use-cases/get-order.js';
import {
  ALL_ORDERS,
  customerTopic,
  orderTopic,
  type SubscriptionField,
  type Topic,
} from './ports.js';

/**
 * The topic a subscription listens to, after the same checks as the queries: another customer's
 * order reads as not found, another customer's list is FORBIDDEN, and only administrators (or a
 * trusted local caller) may follow every order.
 */
export async function topicFor(
  deps: Pick<OrderDependencies, 'store'>,
  caller: Caller,
  field: SubscriptionField,
  args: Readonly<Record<string, unknown>>,
): Promise<Topic> {
  switch (field) {
    case 'orderUpdated': {
      const id = String(args.id);
      if ((await visibleOrder(deps, caller, id)) === undefined) throw new OrderNotFoundError(id);
      return orderTopic(id);
    }
    case 'ordersUpdated': {
      const customerId = String(args.customerId);
      requireActingFor(caller, customerId, 'customerId');
      return customerTopic(customerId);
    }
    case 'allOrdersUpdated':
      if (caller.kind === 'customer')
        throw new ForbiddenError('Only administrators may follow every order.');
      return ALL_ORDERS;
  }
}

/** The order if it exists and the caller may see it. */
export const visibleOrder = async (
  deps: Pick<OrderDependencies, 'store'>,
  caller: Caller,
  id: string,
): Promise<Order | undefined> => visibleTo(caller, await getOrder(deps, id));
