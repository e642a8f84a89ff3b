import { randomUUID } from 'node:crypto';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createAwsClients } from '../adapters/aws/clients.js';
import { ensureResources } from './resources.js';

describe('ensureResources', () => {
  it('refuses a kept table whose indexes are not the ones the order store queries', async () => {
    // Prepare: a table as an earlier version made it, with one index
    const clients = createAwsClients('us-east-1');
    const table = `old-orders-${randomUUID().slice(0, 8)}`;
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ['id', 'customerStatus', 'sortKey'].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byCustomerStatus',
            KeySchema: [
              { AttributeName: 'customerStatus', KeyType: 'HASH' },
              { AttributeName: 'sortKey', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );

    // Act
    const ensured = ensureResources(clients, { table, queue: table, topic: table });

    // Assess
    await expect(ensured).rejects.toThrow(/has the indexes byCustomerStatus .*DATA_DIR/);
  });
});
