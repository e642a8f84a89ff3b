import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrderSystem, type TestOrderSystem } from '../../testing/order-system.js';
import { type CountingProxy, startCountingProxy } from './counting-proxy.js';

let sys: TestOrderSystem;
let proxy: CountingProxy;
let client: DynamoDBClient;

beforeAll(async () => {
  sys = await createTestOrderSystem();
  proxy = await startCountingProxy({
    dynamodbEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB ?? '',
    messagingEndpoint: process.env.AWS_ENDPOINT_URL_SQS ?? '',
  });
  client = new DynamoDBClient({ region: 'us-east-1', endpoint: proxy.dynamodbEndpoint });
});

afterAll(() => proxy.stop());

describe('the counting proxy', () => {
  it("charges a write the table's units dynalite reports, and each index its own", async () => {
    // Prepare: an order-shaped item of about 1.5 KB, entering all three indexes
    const item = {
      id: { S: 'ord_proxy1' },
      customerId: { S: 'c1' },
      sortKey: { S: '2026-01-01T00:00:00.000Z#ord_proxy1' },
      createdAt: { S: '2026-01-01T00:00:00.000Z' },
      status: { S: 'RECEIVED' },
      statusShard: { S: 'OPEN#3' },
      dispatchPending: { S: 'PENDING#3' },
      pad: { S: 'x'.repeat(1400) },
    };
    const table = sys.resources.tableName;

    // Act
    const put = await client.send(
      new PutItemCommand({ TableName: table, Item: item, ReturnConsumedCapacity: 'TOTAL' }),
    );
    await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { id: item.id },
        UpdateExpression: 'SET #s = :s, statusShard = :ss',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'COMPLETED' }, ':ss': { S: 'COMPLETED#3' } },
      }),
    );

    // Assess: the put writes 2 units on the table (as dynalite says) and a small entry per index;
    // the update changes byCustomer's projected status (1) and byStatus's key (delete + put)
    const [putUnits, updateUnits] = proxy.requests.map((r) => r.writeUnits);
    expect(put.ConsumedCapacity?.CapacityUnits).toBe(2);
    expect(putUnits).toEqual({
      table: 2,
      indexes: { byCustomer: 1, byStatus: 1, undispatched: 1 },
    });
    expect(updateUnits).toEqual({ table: 2, indexes: { byCustomer: 1, byStatus: 2 } });
  });
});
