/**
 * An HTTP proxy in front of the emulators that records every AWS request passing through it —
 * whichever client, handler or retry sent it — and, for DynamoDB, the capacity units it consumed
 * on the table and on each index, computed from the items before and after each write.
 */
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ConsumedUnits,
  getItemUnits,
  type IndexSchema,
  type Item,
  indexEntry,
  queryUnits,
  type TableSchema,
  writeUnits,
} from './capacity.js';

/** One request seen by the proxy. */
export interface RecordedRequest {
  readonly service: 'dynamodb' | 'sqs' | 'sns';
  readonly action: string;
  /** Request body bytes: SQS and SNS bill per 64 KB chunk of payload. */
  readonly bytes: number;
  readonly status: number;
  /** DynamoDB only: write units (table and indexes) or read units. */
  readonly writeUnits?: ConsumedUnits;
  readonly readUnits?: number;
  /** SQS ReceiveMessage: messages returned. */
  readonly messages?: number;
}

/** The proxy and what it saw. */
export interface CountingProxy {
  readonly dynamodbEndpoint: string;
  readonly messagingEndpoint: string;
  readonly requests: RecordedRequest[];
  /** Milliseconds the proxy spent on its own look-ups, to take out of measured durations. */
  overheadMs(): number;
  stop(): Promise<void>;
}

type Json = Record<string, unknown>;

interface Forwarded {
  readonly status: number;
  readonly body: Buffer;
  readonly headers: IncomingMessage['headers'];
}

function forward(target: URL, req: IncomingMessage, body: Buffer): Promise<Forwarded> {
  return new Promise((resolve, reject) => {
    const out = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 500,
            body: Buffer.concat(chunks),
            headers: res.headers,
          }),
        );
        res.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

/** Wall-clock time while at least one look-up of the proxy's own was in flight. */
let overhead = 0;
let inFlight = 0;
let busySince = 0;

/** Calls dynalite directly (not through the proxy, so not counted). */
async function dynamo(endpoint: string, action: string, input: Json): Promise<Json> {
  if (inFlight === 0) busySince = performance.now();
  inFlight += 1;
  try {
    return await rawDynamo(endpoint, action, input);
  } finally {
    inFlight -= 1;
    if (inFlight === 0) overhead += performance.now() - busySince;
  }
}

async function rawDynamo(endpoint: string, action: string, input: Json): Promise<Json> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${action}`,
      authorization:
        'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      'x-amz-date': '20260101T000000Z',
    },
    body: JSON.stringify(input),
  });
  return (await response.json()) as Json;
}

/** The table's keys and indexes, as DescribeTable shows them. */
async function describe(endpoint: string, tableName: string): Promise<TableSchema> {
  const { Table } = (await dynamo(endpoint, 'DescribeTable', { TableName: tableName })) as {
    Table: {
      KeySchema: { AttributeName: string }[];
      GlobalSecondaryIndexes?: {
        IndexName: string;
        KeySchema: { AttributeName: string }[];
        Projection: { ProjectionType: IndexSchema['projection']; NonKeyAttributes?: string[] };
      }[];
    };
  };
  return {
    keys: Table.KeySchema.map((k) => k.AttributeName),
    indexes: (Table.GlobalSecondaryIndexes ?? []).map((index) => ({
      name: index.IndexName,
      keys: index.KeySchema.map((k) => k.AttributeName),
      projection: index.Projection.ProjectionType,
      ...(index.Projection.NonKeyAttributes && {
        nonKeyAttributes: index.Projection.NonKeyAttributes,
      }),
    })),
  };
}

/** Placeholders (`:v`, `#n`) an expression still uses, so that removed ones can be dropped. */
function keepUsed(values: Json | undefined, expressions: readonly (string | undefined)[]) {
  if (values === undefined) return undefined;
  const text = expressions.join(' ');
  const kept = Object.entries(values).filter(([name]) => new RegExp(`${name}(?![\\w])`).test(text));
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/** Counts DynamoDB requests and their capacity. */
function dynamoCounter(endpoint: string) {
  const schemas = new Map<string, Promise<TableSchema>>();
  const schemaOf = (table: string) => {
    let schema = schemas.get(table);
    if (schema === undefined) {
      schema = describe(endpoint, table);
      schemas.set(table, schema);
    }
    return schema;
  };
  const fullItem = async (table: string, key: Item): Promise<Item | undefined> =>
    (
      (await dynamo(endpoint, 'GetItem', { TableName: table, Key: key, ConsistentRead: true })) as {
        Item?: Item;
      }
    ).Item;
  const keyOf = (schema: TableSchema, item: Item): Item =>
    Object.fromEntries(schema.keys.map((k) => [k, item[k] as Item[string]]));

  /** The entries a query evaluated: the same query without its filter and projection. */
  async function evaluated(input: Json, schema: TableSchema): Promise<Item[]> {
    const {
      FilterExpression: _filter,
      ProjectionExpression: projection,
      Select: _select,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ...rest
    } = input as Json & { ExpressionAttributeNames?: Json; ExpressionAttributeValues?: Json };
    void projection;
    const kept = [rest.KeyConditionExpression as string | undefined];
    const query = {
      ...rest,
      ...(keepUsed(names, kept) && { ExpressionAttributeNames: keepUsed(names, kept) }),
      ...(keepUsed(values, kept) && { ExpressionAttributeValues: keepUsed(values, kept) }),
    };
    const { Items = [] } = (await dynamo(endpoint, 'Query', query)) as { Items?: Item[] };
    const index = schema.indexes.find((i) => i.name === input.IndexName);
    if (index === undefined) return Items;
    // The stored entry holds what the index projects, whatever the emulator returned.
    const entries = await Promise.all(
      Items.map(async (item) =>
        indexEntry(schema, index, await fullItem(input.TableName as string, keyOf(schema, item))),
      ),
    );
    return entries.filter((e): e is Item => e !== undefined);
  }

  return async (action: string, input: Json, send: () => Promise<Forwarded>) => {
    const table = input.TableName as string | undefined;
    if (table === undefined) return { forwarded: await send() };
    const schema = await schemaOf(table);
    switch (action) {
      case 'PutItem':
      case 'UpdateItem':
      case 'DeleteItem': {
        const key = (input.Key as Item | undefined) ?? keyOf(schema, input.Item as Item);
        const before = await fullItem(table, key);
        const forwarded = await send();
        const after = forwarded.status === 200 ? await fullItem(table, key) : before;
        return { forwarded, writeUnits: writeUnits(schema, before, after) };
      }
      case 'GetItem': {
        const forwarded = await send();
        const item = await fullItem(table, input.Key as Item);
        return { forwarded, readUnits: getItemUnits(item, input.ConsistentRead === true) };
      }
      case 'Query': {
        const entries = await evaluated(input, schema);
        const forwarded = await send();
        return { forwarded, readUnits: queryUnits(entries, input.ConsistentRead === true) };
      }
      default:
        return { forwarded: await send() };
    }
  };
}

/** BatchGetItem names its tables inside RequestItems: each key is read like a GetItem. */
async function batchGetUnits(endpoint: string, input: Json): Promise<number> {
  let units = 0;
  for (const [table, request] of Object.entries(input.RequestItems as Record<string, Json>)) {
    for (const key of request.Keys as Item[]) {
      const { Item } = (await dynamo(endpoint, 'GetItem', {
        TableName: table,
        Key: key,
        ConsistentRead: true,
      })) as {
        Item?: Item;
      };
      units += getItemUnits(Item, request.ConsistentRead === true);
    }
  }
  return units;
}

/** Starts the proxy on 127.0.0.1: one port for DynamoDB, one for SQS and SNS. */
export async function startCountingProxy(targets: {
  readonly dynamodbEndpoint: string;
  readonly messagingEndpoint: string;
}): Promise<CountingProxy> {
  const requests: RecordedRequest[] = [];
  const countDynamo = dynamoCounter(targets.dynamodbEndpoint);

  const serve = (handle: (req: IncomingMessage, body: Buffer) => Promise<Forwarded>) =>
    createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        handle(req, Buffer.concat(chunks)).then(
          ({ status, body, headers }) => {
            res.writeHead(status, headers);
            res.end(body);
          },
          (error: unknown) => {
            res.writeHead(502);
            res.end(String(error));
          },
        );
      });
    });

  const dynamoTarget = new URL(targets.dynamodbEndpoint);
  const dynamoServer = serve(async (req, body) => {
    const action = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
    const input = JSON.parse(body.toString('utf8') || '{}') as Json;
    const send = () => forward(dynamoTarget, req, body);
    if (action === 'BatchGetItem') {
      const readUnits = await batchGetUnits(targets.dynamodbEndpoint, input);
      const forwarded = await send();
      requests.push({
        service: 'dynamodb',
        action,
        bytes: body.length,
        status: forwarded.status,
        readUnits,
      });
      return forwarded;
    }
    const counted = await countDynamo(action, input, send);
    requests.push({
      service: 'dynamodb',
      action,
      bytes: body.length,
      status: counted.forwarded.status,
      ...('writeUnits' in counted && { writeUnits: counted.writeUnits }),
      ...('readUnits' in counted && { readUnits: counted.readUnits }),
    });
    return counted.forwarded;
  });

  const messagingTarget = new URL(targets.messagingEndpoint);
  const messagingServer = serve(async (req, body) => {
    const target = req.headers['x-amz-target'];
    const forwarded = await forward(messagingTarget, req, body);
    if (typeof target === 'string' && target.startsWith('AmazonSQS.')) {
      const action = target.slice('AmazonSQS.'.length);
      const messages =
        action === 'ReceiveMessage'
          ? ((JSON.parse(forwarded.body.toString('utf8') || '{}') as { Messages?: unknown[] })
              .Messages?.length ?? 0)
          : undefined;
      requests.push({
        service: 'sqs',
        action,
        bytes: body.length,
        status: forwarded.status,
        ...(messages !== undefined && { messages }),
      });
    } else {
      const action = new URLSearchParams(body.toString('utf8')).get('Action') ?? 'unknown';
      requests.push({ service: 'sns', action, bytes: body.length, status: forwarded.status });
    }
    return forwarded;
  });

  const listen = async (server: Server) => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const dynamodbEndpoint = await listen(dynamoServer);
  const messagingEndpoint = await listen(messagingServer);
  return {
    dynamodbEndpoint,
    messagingEndpoint,
    requests,
    overheadMs: () => overhead,
    async stop() {
      for (const server of [dynamoServer, messagingServer]) {
        server.closeAllConnections();
        server.close();
      }
    },
  };
}
