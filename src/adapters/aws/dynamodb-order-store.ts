import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  OrderAlreadyExistsError,
  OrderStatusConflictError,
  WriteOutcomeUnknownError,
} from '../../domain/errors.js';
import type { DispatchClaim, Order, OrderLine, OrderStatus } from '../../domain/order.js';
import type {
  ListOrdersQuery,
  OrderPosition,
  OrderStore,
  StatusChange,
} from '../../domain/ports.js';
import { withBudgetExtension } from './call-budget.js';
import { callService, isAmbiguous } from './sdk-errors.js';

/**
 * Time beyond the request's budget for the calls that settle what was done: the consistent read
 * that finds out whether a put whose answer was lost was carried out, and the write that records
 * side effects already sent (without it, they would be sent again).
 */
export const AMBIGUITY_READ_MS = 700;

/** Names of the table's indexes; the CDK stack and the local setup create the same. */
export const ORDER_TABLE_INDEXES = {
  /** customerId + sortKey: a customer's orders, newest first. */
  byCustomer: 'byCustomer',
  /** customerStatus + sortKey: a customer's orders of one status, newest first. */
  byCustomerStatus: 'byCustomerStatus',
  /** dispatchPending + createdAt, sparse: orders whose side effects have not all completed. */
  undispatched: 'undispatched',
} as const;

/**
 * The key of the sparse `undispatched` index, in one place: present (with one value) exactly
 * while an order that can still be dispatched misses a side effect.
 */
const UNDISPATCHED = {
  attribute: 'dispatchPending',
  value: 'PENDING',
  /** The attribute for a new item. */
  of: (order: Order) =>
    order.dispatch.queued && order.dispatch.alerted ? {} : { dispatchPending: 'PENDING' },
  /** An update clause that takes the order out of the index. */
  remove: 'dispatchPending',
} as const;

/** The attributes that hold a dispatch claim; a cancel or a release removes them. */
const CLAIM_ATTRIBUTES = 'claimToken, claimedUntil';

interface OrderItem {
  id: string;
  customerId: string;
  customerEmail: string;
  currency: string;
  items: { sku: string; quantity: number; unitPrice: number; lineTotal: number }[];
  total: number;
  status: OrderStatus;
  createdAt: string;
  updatedAt: string;
  processedAt?: string;
  cancelledAt?: string;
  requestHash: string;
  queued: boolean;
  alerted: boolean;
  sortKey: string;
  customerStatus: string;
  dispatchPending?: string;
  claimToken?: string;
  claimedUntil?: string;
}

const sortKey = (o: Pick<Order, 'createdAt' | 'id'>) => `${o.createdAt}#${o.id}`;
const customerStatus = (customerId: string, status: OrderStatus) => `${customerId}#${status}`;

/** The table item for an order: its attributes plus the index keys derived from them. */
export function toItem(order: Order): OrderItem {
  const { claim } = order.dispatch;
  return {
    id: order.id,
    customerId: order.customerId,
    customerEmail: order.customerEmail,
    currency: order.total.currency,
    items: order.items.map((l) => ({
      sku: l.sku,
      quantity: l.quantity,
      unitPrice: l.unitPrice.amount,
      lineTotal: l.lineTotal.amount,
    })),
    total: order.total.amount,
    status: order.status,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    ...(order.processedAt !== undefined && { processedAt: order.processedAt }),
    ...(order.cancelledAt !== undefined && { cancelledAt: order.cancelledAt }),
    requestHash: order.requestHash,
    queued: order.dispatch.queued,
    alerted: order.dispatch.alerted,
    sortKey: sortKey(order),
    customerStatus: customerStatus(order.customerId, order.status),
    ...UNDISPATCHED.of(order),
    ...(claim && { claimToken: claim.token, claimedUntil: claim.until }),
  };
}

function toOrder(item: OrderItem): Order {
  const money = (amount: number) => ({ amount, currency: item.currency });
  return {
    id: item.id,
    customerId: item.customerId,
    customerEmail: item.customerEmail,
    items: item.items.map(
      (l): OrderLine => ({
        sku: l.sku,
        quantity: l.quantity,
        unitPrice: money(l.unitPrice),
        lineTotal: money(l.lineTotal),
      }),
    ),
    total: money(item.total),
    status: item.status,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    ...(item.processedAt !== undefined && { processedAt: item.processedAt }),
    ...(item.cancelledAt !== undefined && { cancelledAt: item.cancelledAt }),
    requestHash: item.requestHash,
    dispatch: {
      queued: item.queued,
      alerted: item.alerted,
      ...(item.claimToken !== undefined &&
        item.claimedUntil !== undefined && {
          claim: { token: item.claimToken, until: item.claimedUntil },
        }),
    },
  };
}

/** {@link OrderStore} over a DynamoDB table keyed by order id. */
export class DynamoDbOrderStore implements OrderStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(order: Order): Promise<void> {
    try {
      await callService('The order table', (options) =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: toItem(order),
            ConditionExpression: 'attribute_not_exists(id)',
          }),
          options,
        ),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new OrderAlreadyExistsError(order.id, { cause: error });
      if (!isAmbiguous(error)) throw error;
      // No answer: the put may or may not have been carried out. A consistent read tells.
      let stored: Order | undefined;
      try {
        stored = await withBudgetExtension(AMBIGUITY_READ_MS, () => this.get(order.id));
      } catch (readError) {
        throw new WriteOutcomeUnknownError(order.id, {
          cause: new AggregateError([error, readError]),
        });
      }
      if (stored === undefined) throw error;
      throw new OrderAlreadyExistsError(order.id, { cause: error });
    }
  }

  async get(id: string): Promise<Order | undefined> {
    const { Item } = await callService('The order table', (options) =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
        options,
      ),
    );
    return Item === undefined ? undefined : toOrder(Item as OrderItem);
  }

  async listByCustomer(query: ListOrdersQuery): Promise<Order[]> {
    const [index, keyName, keyValue] =
      query.status === undefined
        ? [ORDER_TABLE_INDEXES.byCustomer, 'customerId', query.customerId]
        : [
            ORDER_TABLE_INDEXES.byCustomerStatus,
            'customerStatus',
            customerStatus(query.customerId, query.status),
          ];
    return this.queryUpTo(query.limit, {
      IndexName: index,
      KeyConditionExpression: '#k = :k',
      ExpressionAttributeNames: { '#k': keyName },
      ExpressionAttributeValues: { ':k': keyValue },
      ScanIndexForward: false,
      ...(query.after && {
        ExclusiveStartKey: {
          id: query.after.id,
          [keyName]: keyValue,
          sortKey: sortKey(query.after),
        },
      }),
    });
  }

  async markDispatched(
    id: string,
    dispatch: Pick<Order['dispatch'], 'queued' | 'alerted'>,
    at: string,
    releaseClaim?: string,
  ): Promise<void> {
    const sets = ['dispatchedAt = :at'];
    if (dispatch.queued) sets.push('queued = :true');
    if (dispatch.alerted) sets.push('alerted = :true');
    const removes = dispatch.queued && dispatch.alerted ? [UNDISPATCHED.remove] : [];
    const update = (release: boolean) =>
      withBudgetExtension(AMBIGUITY_READ_MS, () =>
        callService('The order table', (options) =>
          this.client.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { id },
              UpdateExpression: [
                `SET ${sets.join(', ')}`,
                ...(release || removes.length > 0
                  ? [`REMOVE ${[...removes, ...(release ? [CLAIM_ATTRIBUTES] : [])].join(', ')}`]
                  : []),
              ].join(' '),
              ConditionExpression: release
                ? 'attribute_exists(id) AND claimToken = :token'
                : 'attribute_exists(id)',
              ExpressionAttributeValues: {
                ':at': at,
                ':true': true,
                ...(release && { ':token': releaseClaim }),
              },
            }),
            options,
          ),
        ),
      );
    if (releaseClaim === undefined) {
      await update(false);
      return;
    }
    try {
      await update(true);
    } catch (error) {
      // The claim is no longer ours (it expired and was taken, or a retry of this very write
      // released it): record the flags alone.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      await update(false);
    }
  }

  async claimDispatch(id: string, claim: DispatchClaim, now: string): Promise<Order | undefined> {
    try {
      const { Attributes } = await callService('The order table', (options) =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { id },
            UpdateExpression: 'SET claimToken = :token, claimedUntil = :until',
            ConditionExpression:
              'attribute_exists(#pending) AND #status = :received AND ' +
              '(attribute_not_exists(claimedUntil) OR claimedUntil < :now OR claimToken = :token)',
            ExpressionAttributeNames: { '#pending': UNDISPATCHED.attribute, '#status': 'status' },
            ExpressionAttributeValues: {
              ':token': claim.token,
              ':until': claim.until,
              ':now': now,
              ':received': 'RECEIVED',
            },
            ReturnValues: 'ALL_NEW',
          }),
          options,
        ),
      );
      return toOrder(Attributes as OrderItem);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async transition(change: StatusChange): Promise<Order> {
    // The status index key holds the customer id, which only the stored item knows; it never changes.
    const { Item: keys } = await callService('The order table', (options) =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { id: change.id },
          ProjectionExpression: 'customerId',
          ConsistentRead: true,
        }),
        options,
      ),
    );
    if (keys === undefined) throw new OrderStatusConflictError(change.id);
    const values: Record<string, unknown> = {
      ':to': change.to,
      ':at': change.at,
      ':cs': customerStatus(keys.customerId as string, change.to),
    };
    const sets = ['#status = :to', 'updatedAt = :at', 'customerStatus = :cs'];
    const from = change.from.map((status, i) => {
      values[`:from${i}`] = status;
      return `:from${i}`;
    });
    for (const [name, value] of Object.entries(change.set ?? {})) {
      sets.push(`${name} = :${name}`);
      values[`:${name}`] = value;
    }
    // A cancelled order is never dispatched: it leaves the sweeper's index with its claim.
    const removes =
      change.to === 'CANCELLED' ? ` REMOVE ${UNDISPATCHED.remove}, ${CLAIM_ATTRIBUTES}` : '';
    try {
      const { Attributes } = await callService('The order table', (options) =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { id: change.id },
            UpdateExpression: `SET ${sets.join(', ')}${removes}`,
            ConditionExpression: `attribute_exists(id) AND #status IN (${from.join(', ')})`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
          options,
        ),
      );
      return toOrder(Attributes as OrderItem);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new OrderStatusConflictError(change.id, { cause: error });
      throw error;
    }
  }

  async listUndispatched(
    createdBefore: string,
    limit: number,
    after?: OrderPosition,
  ): Promise<Order[]> {
    return this.queryUpTo(limit, {
      IndexName: ORDER_TABLE_INDEXES.undispatched,
      KeyConditionExpression: '#pending = :p AND createdAt < :before',
      ExpressionAttributeNames: { '#pending': UNDISPATCHED.attribute },
      ExpressionAttributeValues: { ':p': UNDISPATCHED.value, ':before': createdBefore },
      ...(after && {
        ExclusiveStartKey: {
          id: after.id,
          [UNDISPATCHED.attribute]: UNDISPATCHED.value,
          createdAt: after.createdAt,
        },
      }),
    });
  }

  /**
   * Up to `limit` orders of a query, following `LastEvaluatedKey`: DynamoDB ends a page at 1 MB,
   * which large orders reach before the limit.
   */
  private async queryUpTo(
    limit: number,
    input: Omit<QueryCommandInput, 'TableName' | 'Limit'>,
  ): Promise<Order[]> {
    const orders: Order[] = [];
    let start = input.ExclusiveStartKey;
    do {
      const page = await callService('The order table', (options) =>
        this.client.send(
          new QueryCommand({
            ...input,
            TableName: this.tableName,
            Limit: limit - orders.length,
            ...(start && { ExclusiveStartKey: start }),
          }),
          options,
        ),
      );
      orders.push(...(page.Items ?? []).map((item) => toOrder(item as OrderItem)));
      start = page.LastEvaluatedKey;
    } while (start !== undefined && orders.length < limit);
    return orders;
  }
}
