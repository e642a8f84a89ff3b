import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createAwsClients } from '../adapters/aws/clients.js';
import { SUBSCRIPTION_TABLE_INDEXES } from '../adapters/aws/dynamodb-subscription-registry.js';
import { ensureSubscriptionTable } from './subscription-resources.js';

const clients = createAwsClients('us-east-1');
const indexesOf = async (tableName: string) =>
  (
    (await clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName }))).Table
      ?.GlobalSecondaryIndexes ?? []
  )
    .map((i) => i.IndexName)
    .sort();

describe('ensureSubscriptionTable', () => {
  it('makes a table kept from an earlier version without every index anew, and leaves a current one alone', async () => {
    // Prepare: the table as an earlier version made it, with the topic index only.
    const tableName = `subscriptions-${randomUUID().slice(0, 8)}`;
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ['connectionId', 'sk', 'topic'].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
        KeySchema: [
          { AttributeName: 'connectionId', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: SUBSCRIPTION_TABLE_INDEXES.byTopic,
            KeySchema: [
              { AttributeName: 'topic', KeyType: 'HASH' },
              { AttributeName: 'connectionId', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );

    // Act
    await ensureSubscriptionTable(clients, tableName);
    await ensureSubscriptionTable(clients, tableName);

    // Assess
    expect(await indexesOf(tableName)).toEqual(Object.values(SUBSCRIPTION_TABLE_INDEXES).sort());
  });
});
