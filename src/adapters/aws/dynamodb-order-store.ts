import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
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
import {
  type DispatchClaim,
  isDispatched,
  type Order,
  type OrderLine,
  type OrderStatus,
} from '../../domain/order.js';
import type {
  DispatchState,
  ListOrdersQuery,
  OpenOrdersQuery,
  OrderPosition,
  OrderStore,
  PendingOrder,
  PendingQuery,
  StatusChange,
  StatusPage,
  StatusQuery,
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
  /** customerId + sortKey, projecting the status: a customer's orders, newest first. */
  byCustomer: 'byCustomer',
  /**
   * statusShard + sortKey, keys only: orders of one status across customers, newest first.
   * RECEIVED and PROCESSING share a key (`OPEN`), so taking an order leaves its entry as it is;
   * the orders read by key tell the two apart.
   */
  byStatus: 'byStatus',
  /**
   * dispatchPending + createdAt, sparse, projecting only the sweep's back-off: orders whose side
   * effects have not all completed.
   */
  undispatched: 'undispatched',
} as const;

/**
 * Partitions the status and pending indexes spread each key over: at 3 000 orders/s a status
 * receives 3 000 entries and loses 3 000 a second, 375 write units/s per shard against a
 * partition's 1 000.
 */
export const INDEX_SHARDS = 16;

/** The shard of an order: FNV-1a of its id, so every writer and reader derives the same one. */
export function shardOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % INDEX_SHARDS;
}

/** Statuses an order passes through within moments share a partition key. */
const statusGroup = (status: OrderStatus) =>
  status === 'RECEIVED' || status === 'PROCESSING' ? 'OPEN' : status;
const statusShard = (status: OrderStatus, id: string) => `${statusGroup(status)}#${shardOf(id)}`;
const pendingShard = (shard: number) => `PENDING#${shard}`;
/** Above every `createdAt#id`: ISO instants and ids are ASCII. */
const HIGHEST = '\uffff';

/**
 * The key of the sparse `undispatched` index, in one place: the pending marker of an order that
 * misses a side effect and that no live request is sending. A new order carries its request's
 * dispatch claim instead, and gets the marker only when that dispatch fails, or when the sweeper
 * finds it still undispatched among the open orders once the request must have ended.
 */
const UNDISPATCHED = {
  attribute: 'dispatchPending',
  /** The attribute for a new item: a marker only when no request holds its dispatch. */
  of: (order: Order) =>
    isDispatched(order.dispatch) || order.dispatch.claim !== undefined
      ? {}
      : { dispatchPending: pendingShard(shardOf(order.id)) },
  /** The marker's value for an order. */
  value: (id: string) => pendingShard(shardOf(id)),
  /** An update clause that takes the order out of the index. */
  remove: 'dispatchPending',
} as const;

/** The item that keeps where the sweeper's scan of each shard of open orders has got to. */
const OPEN_SCAN_CHECKPOINT_ID = 'sweeper#open-scan';
const watermarkAttribute = (shard: number) => `shard${shard}`;

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
  statusShard: string;
  dispatchPending?: string;
  claimToken?: string;
  claimedUntil?: string;
}

const sortKey = (o: Pick<Order, 'createdAt' | 'id'>) => `${o.createdAt}#${o.id}`;

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
    statusShard: statusShard(order.status, order.id),
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

/** Options of {@link DynamoDbOrderStore}. */
export interface DynamoDbOrderStoreOptions {
  /**
   * Index entries a page of RECEIVED or PROCESSING orders reads (the two share their entries)
   * before it ends short, with a position to resume from. OPEN holds only orders in flight, so a
   * page is normally full long before.
   * @default 1_000
   */
  readonly statusFilterMaxExamined?: number;
}

/** {@link OrderStore} over a DynamoDB table keyed by order id. */
export class DynamoDbOrderStore implements OrderStore {
  readonly pendingShards = INDEX_SHARDS;
  private readonly statusFilterMaxExamined: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoDbOrderStoreOptions = {},
  ) {
    this.statusFilterMaxExamined = options.statusFilterMaxExamined ?? 1_000;
  }

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
    // The index holds keys and the status: a status filter is applied there, before any order is read.
    const keys = await this.queryUpTo(query.limit, {
      IndexName: ORDER_TABLE_INDEXES.byCustomer,
      KeyConditionExpression: 'customerId = :c',
      ExpressionAttributeValues: {
        ':c': query.customerId,
        ...(query.status !== undefined && { ':s': query.status }),
      },
      ...(query.status !== undefined && {
        FilterExpression: '#status = :s',
        ExpressionAttributeNames: { '#status': 'status' },
      }),
      ScanIndexForward: false,
      ...(query.after && {
        ExclusiveStartKey: {
          id: query.after.id,
          customerId: query.customerId,
          sortKey: sortKey(query.after),
        },
      }),
    });
    return this.readAll(keys.map((k) => k.id as string));
  }

  async listByStatus(query: StatusQuery): Promise<StatusPage> {
    const group = statusGroup(query.status);
    // RECEIVED and PROCESSING share a key and the index projects no status: the orders read by
    // key tell them apart, so a filtered page reads further entries until it is full (bounded).
    const filtered = group !== query.status;
    const orders: Order[] = [];
    let high = query.after === undefined ? undefined : sortKey(query.after);
    let examined = 0;
    let take = query.limit;
    for (;;) {
      const keys = await this.newestOfStatus(group, take, query.createdAfter, high);
      const read = await this.readAll(keys.map((key) => key.slice(key.indexOf('#') + 1)));
      orders.push(...(filtered ? read.filter((o) => o.status === query.status) : read));
      examined += keys.length;
      const last = keys.at(-1);
      if (orders.length >= query.limit || keys.length < take || last === undefined) break;
      high = last;
      if (examined >= this.statusFilterMaxExamined) {
        const id = last.slice(last.indexOf('#') + 1);
        return { orders, resumeAfter: { createdAt: last.slice(0, last.indexOf('#')), id } };
      }
      take = Math.min(Math.max(2 * (query.limit - orders.length), 25), 100);
    }
    return { orders: orders.slice(0, query.limit) };
  }

  /**
   * The sort keys of the newest `limit` entries of a status group below `high` (and after
   * `createdAfter`), over every shard: each shard's newest `limit`, merged.
   */
  private async newestOfStatus(
    group: string,
    limit: number,
    createdAfter: string | undefined,
    high: string | undefined,
  ): Promise<string[]> {
    const low = createdAfter === undefined ? undefined : `${createdAfter}#${HIGHEST}`;
    const range =
      low !== undefined && high !== undefined
        ? ' AND sortKey BETWEEN :low AND :high'
        : low !== undefined
          ? ' AND sortKey > :low'
          : high !== undefined
            ? ' AND sortKey < :high'
            : '';
    const shards = await Promise.all(
      Array.from({ length: INDEX_SHARDS }, (_, shard) =>
        this.queryUpTo(limit, {
          IndexName: ORDER_TABLE_INDEXES.byStatus,
          KeyConditionExpression: `statusShard = :s${range}`,
          ExpressionAttributeValues: {
            ':s': `${group}#${shard}`,
            ...(low !== undefined && { ':low': low }),
            ...(high !== undefined && { ':high': high }),
          },
          ScanIndexForward: false,
        }),
      ),
    );
    return (
      shards
        .flat()
        .map((entry) => entry.sortKey as string)
        // BETWEEN includes its bounds: the cursor's own order is not part of the next page.
        .filter((key) => key !== high)
        .sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))
        .slice(0, limit)
    );
  }

  async markDispatched(
    id: string,
    dispatch: Pick<Order['dispatch'], 'queued' | 'alerted'>,
    at: string,
    releaseClaim?: string,
  ): Promise<void> {
    const complete = dispatch.queued && dispatch.alerted;
    const sets = ['dispatchedAt = :at'];
    if (dispatch.queued) sets.push('queued = :true');
    if (dispatch.alerted) sets.push('alerted = :true');
    // Incomplete: the order gets its pending marker, for the sweeper (never a cancelled one).
    if (!complete) sets.push(`${UNDISPATCHED.attribute} = :pending`);
    const removes = complete ? [UNDISPATCHED.remove] : [];
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
              ConditionExpression: [
                'attribute_exists(id)',
                ...(release ? ['claimToken = :token'] : []),
                ...(complete ? [] : ['#status <> :cancelled']),
              ].join(' AND '),
              ...(!complete && { ExpressionAttributeNames: { '#status': 'status' } }),
              ExpressionAttributeValues: {
                ':at': at,
                // DynamoDB refuses a value no expression uses: none when neither side effect is done.
                ...((dispatch.queued || dispatch.alerted) && { ':true': true }),
                ...(release && { ':token': releaseClaim }),
                ...(!complete && { ':pending': UNDISPATCHED.value(id), ':cancelled': 'CANCELLED' }),
              },
            }),
            options,
          ),
        ),
      );
    if (releaseClaim !== undefined) {
      try {
        await update(true);
        return;
      } catch (error) {
        // The claim is no longer ours (it expired and was taken, or a retry of this very write
        // released it), or the order was cancelled: record the flags alone.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    try {
      await update(false);
    } catch (error) {
      // Cancelled meanwhile: it is never dispatched, so there is nothing left to record.
      if (complete || !(error instanceof ConditionalCheckFailedException)) throw error;
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
              // Any status but cancelled: the consumer may take an order before its alert is sent.
              'attribute_exists(id) AND NOT (queued = :true AND alerted = :true) AND ' +
              '#status <> :cancelled AND ' +
              '(attribute_not_exists(claimedUntil) OR claimedUntil < :now OR claimToken = :token)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':token': claim.token,
              ':until': claim.until,
              ':now': now,
              ':cancelled': 'CANCELLED',
              ':true': true,
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
    const values: Record<string, unknown> = {
      ':to': change.to,
      ':at': change.at,
      ':ss': statusShard(change.to, change.id),
    };
    const sets = ['#status = :to', 'updatedAt = :at', 'statusShard = :ss'];
    const from = change.from.map((status, i) => {
      values[`:from${i}`] = status;
      return `:from${i}`;
    });
    for (const [name, value] of Object.entries(change.set ?? {})) {
      sets.push(`${name} = :${name}`);
      values[`:${name}`] = value;
    }
    // Leaving the open orders undispatched: the sweeper looks for it by its marker from now on.
    if (change.pending === true && change.to !== 'CANCELLED') {
      sets.push(`${UNDISPATCHED.attribute} = :pending`);
      values[':pending'] = UNDISPATCHED.value(change.id);
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

  async listUndispatched(query: PendingQuery): Promise<PendingOrder[]> {
    const partition = pendingShard(query.shard);
    const entries = await this.queryUpTo(query.limit, {
      IndexName: ORDER_TABLE_INDEXES.undispatched,
      KeyConditionExpression: '#pending = :p AND createdAt < :before',
      ExpressionAttributeNames: { '#pending': UNDISPATCHED.attribute },
      ExpressionAttributeValues: { ':p': partition, ':before': query.createdBefore },
      ...(query.after && {
        ExclusiveStartKey: {
          id: query.after.id,
          [UNDISPATCHED.attribute]: partition,
          createdAt: query.after.createdAt,
        },
      }),
    });
    return entries.map((e) => ({
      id: e.id as string,
      createdAt: e.createdAt as string,
      sweepAttempts: (e.sweepAttempts as number | undefined) ?? 0,
      ...(typeof e.sweepAfter === 'string' && { sweepAfter: e.sweepAfter }),
    }));
  }

  async deferSweep(id: string, attempts: number, until: string): Promise<void> {
    await callService('The order table', (options) =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET sweepAttempts = :n, sweepAfter = :until',
          // Only while still pending: a dispatch that completed meanwhile is not marked again.
          ConditionExpression: 'attribute_exists(#pending)',
          ExpressionAttributeNames: { '#pending': UNDISPATCHED.attribute },
          ExpressionAttributeValues: { ':n': attempts, ':until': until },
        }),
        options,
      ),
    ).catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  }

  async listOpen(query: OpenOrdersQuery): Promise<OrderPosition[]> {
    const low = query.after === undefined ? undefined : sortKey(query.after);
    const entries = await this.queryUpTo(query.limit + 1, {
      IndexName: ORDER_TABLE_INDEXES.byStatus,
      // `createdAt#id` < `createdBefore` exactly when createdAt is earlier; BETWEEN includes
      // the watermark's own entry, dropped below. (A key condition takes no empty string.)
      KeyConditionExpression:
        low === undefined
          ? 'statusShard = :s AND sortKey < :before'
          : 'statusShard = :s AND sortKey BETWEEN :low AND :before',
      ExpressionAttributeValues: {
        ':s': `${statusGroup('RECEIVED')}#${query.shard}`,
        ':before': query.createdBefore,
        ...(low !== undefined && { ':low': low }),
      },
    });
    return entries
      .map((entry) => entry.sortKey as string)
      .filter((key) => key !== low)
      .slice(0, query.limit)
      .map((key) => ({
        createdAt: key.slice(0, key.indexOf('#')),
        id: key.slice(key.indexOf('#') + 1),
      }));
  }

  async readDispatchStates(ids: readonly string[]): Promise<DispatchState[]> {
    const items = await this.readItems(ids, true);
    return items.map((item) => ({
      id: item.id,
      createdAt: item.createdAt,
      status: item.status,
      dispatch: { queued: item.queued, alerted: item.alerted },
      pending: item.dispatchPending !== undefined,
    }));
  }

  async markPending(id: string): Promise<boolean> {
    try {
      await callService('The order table', (options) =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { id },
            UpdateExpression: 'SET #pending = :pending',
            ConditionExpression:
              'attribute_exists(id) AND attribute_not_exists(#pending) AND ' +
              '#status <> :cancelled AND NOT (queued = :true AND alerted = :true)',
            ExpressionAttributeNames: { '#pending': UNDISPATCHED.attribute, '#status': 'status' },
            ExpressionAttributeValues: {
              ':pending': UNDISPATCHED.value(id),
              ':cancelled': 'CANCELLED',
              ':true': true,
            },
          }),
          options,
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async openScanWatermarks(): Promise<ReadonlyMap<number, OrderPosition>> {
    const { Item } = await callService('The order table', (options) =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { id: OPEN_SCAN_CHECKPOINT_ID },
          ConsistentRead: true,
        }),
        options,
      ),
    );
    const watermarks = new Map<number, OrderPosition>();
    for (let shard = 0; shard < INDEX_SHARDS; shard += 1) {
      const key = Item?.[watermarkAttribute(shard)];
      if (typeof key !== 'string') continue;
      const split = key.indexOf('#');
      watermarks.set(shard, { createdAt: key.slice(0, split), id: key.slice(split + 1) });
    }
    return watermarks;
  }

  async advanceOpenScan(shard: number, position: OrderPosition): Promise<void> {
    await callService('The order table', (options) =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: OPEN_SCAN_CHECKPOINT_ID },
          UpdateExpression: 'SET #w = :w',
          ConditionExpression: 'attribute_not_exists(#w) OR #w < :w',
          ExpressionAttributeNames: { '#w': watermarkAttribute(shard) },
          ExpressionAttributeValues: { ':w': sortKey(position) },
        }),
        options,
      ),
    ).catch((error: unknown) => {
      // Another run got further already.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  }

  /** The orders with these ids, in this order; an id without an item is skipped. */
  private async readAll(ids: readonly string[]): Promise<Order[]> {
    return (await this.readItems(ids, false)).map(toOrder);
  }

  /**
   * The items with these ids, in this order, read in batches of 100 (BatchGetItem's most),
   * retrying the keys DynamoDB leaves unprocessed. An id without an item is skipped.
   */
  private async readItems(ids: readonly string[], consistent: boolean): Promise<OrderItem[]> {
    const found = new Map<string, OrderItem>();
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = ids.slice(i, i + 100).map((id) => ({ id }));
      for (let attempt = 0; keys !== undefined && keys.length > 0; attempt += 1) {
        if (attempt > 0)
          await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** Math.min(attempt, 6)));
        const request: Record<string, unknown>[] = keys;
        const { Responses, UnprocessedKeys } = await callService('The order table', (options) =>
          this.client.send(
            new BatchGetCommand({
              RequestItems: {
                [this.tableName]: { Keys: request, ...(consistent && { ConsistentRead: true }) },
              },
            }),
            options,
          ),
        );
        for (const item of Responses?.[this.tableName] ?? [])
          found.set(item.id as string, item as OrderItem);
        keys = UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return ids.flatMap((id) => {
      const item = found.get(id);
      return item === undefined ? [] : [item];
    });
  }

  /**
   * Up to `limit` index entries of a query, following `LastEvaluatedKey`: DynamoDB ends a page
   * at 1 MB, and a filter may leave a page short of the limit.
   */
  private async queryUpTo(
    limit: number,
    input: Omit<QueryCommandInput, 'TableName' | 'Limit'>,
  ): Promise<Record<string, unknown>[]> {
    const orders: Record<string, unknown>[] = [];
    let start = input.ExclusiveStartKey;
    do {
      const page = await callService('The order table', (options) =>
        this.client.send(
          new QueryCommand({
            ...input,
            TableName: this.tableName,
            // A filtered query reads a page more than it needs, rather than a few entries at a time.
            Limit: input.FilterExpression
              ? Math.max(limit - orders.length, 100)
              : limit - orders.length,
            ...(start && { ExclusiveStartKey: start }),
          }),
          options,
        ),
      );
      orders.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined && orders.length < limit);
    return orders.slice(0, limit);
  }
}
