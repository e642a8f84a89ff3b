// The least a Lambda answering order(id) from DynamoDB can do: one DynamoDB document client and
// one GetCommand, no GraphQL. Bundled by the bench only, as the floor of a cold start.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { toDocumentClient } from '../adapters/aws/document-client.js';

const documents = toDocumentClient(new DynamoDBClient({ region: process.env.AWS_REGION }));

/** Reads the order named by the GraphQL request's `id` variable and answers it as GraphQL would. */
export async function handler(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const { variables } = JSON.parse(event.body ?? '{}') as { variables?: { id?: string } };
  const { Item } = await documents.send(
    new GetCommand({ TableName: process.env.ORDERS_TABLE_NAME, Key: { id: variables?.id } }),
  );
  return { statusCode: 200, body: JSON.stringify({ data: { order: Item ?? null } }) };
}
