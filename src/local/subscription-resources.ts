import { CreateTableCommand, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../adapters/aws/clients.js';
import { SUBSCRIPTION_TABLE_INDEXES } from '../adapters/aws/dynamodb-subscription-registry.js';

/**
 * Creates the subscription table as the CDK stack does (without TTL, which the emulator does not
 * implement: the local gateway runs every `$disconnect` instead). Safe to run again.
 */
export async function ensureSubscriptionTable(clients: AwsClients, tableName: string) {
  const key = (hash: string, range: string) => [
    { AttributeName: hash, KeyType: 'HASH' as const },
    { AttributeName: range, KeyType: 'RANGE' as const },
  ];
  try {
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ['connectionId', 'sk', 'topic', 'callerKey'].map((name) => ({
          AttributeName: name,
          AttributeType: 'S' as const,
        })),
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
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  return tableName;
}
