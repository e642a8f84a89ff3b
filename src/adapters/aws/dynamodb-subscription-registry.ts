import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Caller } from '../../domain/caller.js';
import type {
  ConnectionRecord,
  SubscriptionRecord,
  SubscriptionRegistry,
  Topic,
} from '../../realtime/ports.js';
import { callOptions } from './call-budget.js';

/** Names of the subscription table's indexes; the CDK stack and the local setup create the same. */
export const SUBSCRIPTION_TABLE_INDEXES = {
  /** topic + connectionId: the subscriptions an order change goes to. */
  byTopic: 'byTopic',
  /** callerKey + connectionId, sparse (acknowledged connections only), keys only. */
  byCaller: 'byCaller',
  /** reconcileShard + connectionId, sparse (`orderUpdated` subscriptions only): what the reconciler reads. */
  byReconcileShard: 'byReconcileShard',
} as const;

/** Shards of the `byReconcileShard` index, so that no index partition takes every write. */
export const RECONCILE_SHARDS = 16;

/** The shard of one subscription: a hash of its keys, so that subscriptions spread evenly. */
export function reconcileShardOf(connectionId: string, id: string): number {
  let hash = 0;
  for (const c of `${connectionId}#${id}`) hash = (hash * 31 + (c.codePointAt(0) ?? 0)) >>> 0;
  return hash % RECONCILE_SHARDS;
}

/** The attribute DynamoDB's TTL reads: epoch seconds after which an item may be deleted. */
export const SUBSCRIPTION_TTL_ATTRIBUTE = 'expiresAt';

/**
 * How long items live: API Gateway closes every connection after 2 hours, so anything older
 * belongs to a connection whose `$disconnect` was lost.
 */
export const SUBSCRIPTION_ITEM_LIFETIME_SECONDS = 2 * 3600 + 10 * 60;

const CONNECTION = 'connection';
const subscriptionKey = (id: string) => `sub#${id}`;
/** The mark of a `complete` handled before its subscription was stored. */
const completionKey = (id: string) => `done#${id}`;
/** How long a completion mark stands: longer than API Gateway takes to run two messages. */
const COMPLETION_MARK_MS = 60_000;

const callerKey = (caller: Caller): string =>
  caller.kind === 'trusted' ? 'trusted' : `${caller.kind}#${caller.subject}`;

const expiresAt = (fromMs = Date.now()) =>
  Math.floor(fromMs / 1000) + SUBSCRIPTION_ITEM_LIFETIME_SECONDS;

interface Item extends Record<string, unknown> {
  connectionId: string;
  sk: string;
}

function toSubscription(item: Record<string, unknown>): SubscriptionRecord {
  return {
    connectionId: item.connectionId as string,
    id: item.id as string,
    topic: item.topic as Topic,
    field: item.field as SubscriptionRecord['field'],
    query: item.query as string,
    ...(item.variables !== undefined && {
      variables: item.variables as Record<string, unknown>,
    }),
    ...(item.operationName !== undefined && { operationName: item.operationName as string }),
    ...(item.sentUpdatedAt !== undefined && { sentUpdatedAt: item.sentUpdatedAt as string }),
  };
}

/**
 * {@link SubscriptionRegistry} over one DynamoDB table keyed by connection id: the connection's
 * own item (sort key `connection`) and one item per subscription (`sub#<id>`), each with a TTL.
 */
export class DynamoDbSubscriptionRegistry implements SubscriptionRegistry {
  readonly reconcileShards = RECONCILE_SHARDS;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async addConnection(connection: ConnectionRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          connectionId: connection.connectionId,
          sk: CONNECTION,
          connectedAt: connection.connectedAt,
          acknowledged: connection.acknowledged,
          ...(connection.caller && {
            caller: connection.caller,
            ...(connection.acknowledged && { callerKey: callerKey(connection.caller) }),
          }),
          [SUBSCRIPTION_TTL_ATTRIBUTE]: expiresAt(connection.connectedAt),
        },
      }),
      callOptions(),
    );
  }

  async getConnection(connectionId: string): Promise<ConnectionRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { connectionId, sk: CONNECTION },
        ConsistentRead: true,
      }),
      callOptions(),
    );
    if (Item === undefined) return undefined;
    return {
      connectionId,
      connectedAt: Item.connectedAt as number,
      acknowledged: Item.acknowledged === true,
      ...(Item.caller !== undefined && { caller: Item.caller as Caller }),
    };
  }

  async acknowledge(connectionId: string, caller: Caller): Promise<boolean> {
    return this.conditionally(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { connectionId, sk: CONNECTION },
        UpdateExpression: 'SET acknowledged = :true, caller = :caller, callerKey = :key',
        ConditionExpression: 'attribute_exists(connectionId) AND acknowledged = :false',
        ExpressionAttributeValues: {
          ':true': true,
          ':false': false,
          ':caller': caller,
          ':key': callerKey(caller),
        },
      }),
    );
  }

  async countConnections(caller: Caller): Promise<number> {
    return this.count({
      IndexName: SUBSCRIPTION_TABLE_INDEXES.byCaller,
      KeyConditionExpression: 'callerKey = :k',
      ExpressionAttributeValues: { ':k': callerKey(caller) },
    });
  }

  async addSubscription(subscription: SubscriptionRecord): Promise<boolean> {
    return this.conditionally(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...subscription,
          sk: subscriptionKey(subscription.id),
          ...(subscription.field === 'orderUpdated' && {
            reconcileShard: String(reconcileShardOf(subscription.connectionId, subscription.id)),
          }),
          [SUBSCRIPTION_TTL_ATTRIBUTE]: expiresAt(),
        },
        ConditionExpression: 'attribute_not_exists(connectionId)',
      }),
    );
  }

  async countSubscriptions(connectionId: string): Promise<number> {
    return this.count({
      KeyConditionExpression: 'connectionId = :c AND begins_with(sk, :sub)',
      ExpressionAttributeValues: { ':c': connectionId, ':sub': 'sub#' },
      ConsistentRead: true,
    });
  }

  async removeSubscription(connectionId: string, id: string): Promise<void> {
    await this.deleteItems([{ connectionId, sk: subscriptionKey(id) }]);
  }

  async completeSubscription(connectionId: string, id: string): Promise<void> {
    if (await this.deleteSubscription(connectionId, id)) return;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          connectionId,
          sk: completionKey(id),
          completedAt: Date.now(),
          [SUBSCRIPTION_TTL_ATTRIBUTE]: expiresAt(),
        },
      }),
      callOptions(),
    );
    // A subscribe stored between the first delete and the mark did not see the mark: end it here.
    if (await this.deleteSubscription(connectionId, id))
      await this.deleteItems([{ connectionId, sk: completionKey(id) }]);
  }

  async completedEarly(connectionId: string, id: string): Promise<boolean> {
    const key = { connectionId, sk: completionKey(id) };
    // A read, not a delete: almost always there is no mark, and a read costs a fifth of a write.
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      callOptions(),
    );
    if (Item === undefined) return false;
    await this.deleteItems([key]);
    return (
      typeof Item.completedAt === 'number' && Date.now() - Item.completedAt < COMPLETION_MARK_MS
    );
  }

  /** Deletes one subscription; whether it was there. */
  private async deleteSubscription(connectionId: string, id: string): Promise<boolean> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { connectionId, sk: subscriptionKey(id) },
        ReturnValues: 'ALL_OLD',
      }),
      callOptions(),
    );
    return Attributes !== undefined;
  }

  async removeConnection(connectionId: string): Promise<void> {
    const keys: Item[] = [];
    for await (const page of this.queryPages({
      KeyConditionExpression: 'connectionId = :c',
      ExpressionAttributeValues: { ':c': connectionId },
      ProjectionExpression: 'connectionId, sk',
      ConsistentRead: true,
    }))
      keys.push(...((page.Items ?? []) as Item[]));
    await this.deleteItems(keys);
  }

  async subscribersOf(topics: readonly Topic[]): Promise<SubscriptionRecord[]> {
    const pages = await Promise.all(
      topics.map((topic) =>
        this.queryAll({
          IndexName: SUBSCRIPTION_TABLE_INDEXES.byTopic,
          KeyConditionExpression: 'topic = :t',
          ExpressionAttributeValues: { ':t': topic },
        }),
      ),
    );
    return pages.flat().map(toSubscription);
  }

  async orderSubscriptions(shard: number, limit: number): Promise<SubscriptionRecord[]> {
    const items: Record<string, unknown>[] = [];
    for await (const page of this.queryPages({
      IndexName: SUBSCRIPTION_TABLE_INDEXES.byReconcileShard,
      KeyConditionExpression: 'reconcileShard = :s',
      ExpressionAttributeValues: { ':s': String(shard) },
      Limit: limit,
    })) {
      items.push(...(page.Items ?? []));
      if (items.length >= limit) break;
    }
    return items.slice(0, limit).map(toSubscription);
  }

  async advance(connectionId: string, id: string, updatedAt: string): Promise<boolean> {
    return this.conditionally(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { connectionId, sk: subscriptionKey(id) },
        UpdateExpression: 'SET sentUpdatedAt = :u',
        ConditionExpression:
          'attribute_exists(connectionId) AND (attribute_not_exists(sentUpdatedAt) OR sentUpdatedAt < :u)',
        ExpressionAttributeValues: { ':u': updatedAt },
      }),
    );
  }

  /** Sends a conditional write; false when its condition failed. */
  private async conditionally(command: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      await this.client.send(command as PutCommand, callOptions());
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async count(input: Omit<QueryCommandInput, 'TableName'>): Promise<number> {
    let total = 0;
    for await (const page of this.queryPages({ ...input, Select: 'COUNT' }))
      total += page.Count ?? 0;
    return total;
  }

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>) {
    const items: Record<string, unknown>[] = [];
    for await (const page of this.queryPages(input)) items.push(...(page.Items ?? []));
    return items;
  }

  /** Every page of a query, following `LastEvaluatedKey`. */
  private async *queryPages(input: Omit<QueryCommandInput, 'TableName'>) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          ...input,
          TableName: this.tableName,
          ...(start && { ExclusiveStartKey: start }),
        }),
        callOptions(),
      );
      yield page;
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
  }

  private async deleteItems(keys: readonly Item[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 25) {
      let pending: Record<string, unknown>[] | undefined = keys
        .slice(i, i + 25)
        .map(({ connectionId, sk }) => ({ DeleteRequest: { Key: { connectionId, sk } } }));
      // Unprocessed items are retried; DynamoDB returns them under throttling.
      for (let attempt = 0; pending && pending.length > 0 && attempt < 5; attempt++) {
        const { UnprocessedItems } = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
          callOptions(),
        );
        pending = UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
      }
    }
  }
}
