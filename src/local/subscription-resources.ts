import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../adapters/aws/clients.js';
import { SUBSCRIPTION_TABLE_INDEXES } from '../adapters/aws/dynamodb-subscription-registry.js';

/**
 * Creates the subscription table as the CDK stack does (without TTL, which the emulator does not
 * implement: the local gateway runs every `$disconnect` instead). Safe to run again; a table kept
 * from an earlier version without every index is made anew (its connections are gone anyway).
 */
export async function ensureSubscriptionTable(clients: AwsClients, tableName: string) {
  if (await lacksAnIndex(clients, tableName)) {
    await clients.dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
  }
  const key = (hash: string, range: string) => [
    { AttributeName: hash, KeyType: 'HASH' as const },
    { AttributeName: range, KeyType: 'RANGE' as const },
  ];
  try {
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ['connectionId', 'sk', 'topic', 'callerKey', 'reconcileShard'].map(
          (name) => ({
            AttributeName: name,
            AttributeType: 'S' as const,
          }),
        ),
        KeySchema: key('connectionId', 'sk'),
        GlobalSecondaryIndexes: [
          {
            IndexName: SUBSCRIPTION_TABLE_INDEXES.byTopic,
            KeySchema: key('topic', 'connectionId'),
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: SUBSCRIPTION_TABLE_INDEXES.byCaller,
            KeySchema: key('callerKey', 'connectionId'),
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
          {
            IndexName: SUBSCRIPTION_TABLE_INDEXES.byReconcileShard,
            KeySchema: key('reconcileShard', 'connectionId'),
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  return tableName;
}

async function lacksAnIndex(clients: AwsClients, tableName: string): Promise<boolean> {
  try {
    const { Table } = await clients.dynamodb.send(
      new DescribeTableCommand({ TableName: tableName }),
    );
    const names = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    return Object.values(SUBSCRIPTION_TABLE_INDEXES).some((name) => !names.has(name));
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return false;
    throw error;
  }
}
