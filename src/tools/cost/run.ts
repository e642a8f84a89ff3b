/**
 * The cost of an order, measured: runs real order lifecycles against the emulators through the
 * Lambda handlers the stack deploys — place, process, one read and one list per order — counts
 * every AWS request through a proxy, computes DynamoDB units per AWS's rules, and prices it all
 * from the dated price table.
 *
 *   npm run cost -- --orders 100 --customers 10 --page 10 --rate 1000 --backlog 400
 *
 * `--rate` (orders per second) only sets the share of invocations X-Ray samples.
 */
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createAwsClients } from '../../adapters/aws/clients.js';
import { createOrderDependencies } from '../../adapters/aws/order-dependencies.js';
import { lambdaContext } from '../../local/http-gateway.js';
import { toSqsRecord } from '../../local/queue-poller.js';
import { ensureResources } from '../../local/resources.js';
import { httpApiEvent } from '../../testing/api-gateway-events.js';
import { anOrder } from '../../testing/orders.js';
import { sweepOrders } from '../../use-cases/sweep-orders.js';
import type { RecordedRequest } from './counting-proxy.js';
import { priceRun, type RunCounts } from './pricing.js';

const { values: args } = parseArgs({
  options: {
    orders: { type: 'string', default: '100' },
    customers: { type: 'string', default: '10' },
    rate: { type: 'string', default: '1000' },
    page: { type: 'string', default: '10' },
    out: { type: 'string', default: 'cost-results/latest.json' },
    backlog: { type: 'string', default: '400' },
  },
});
const ORDERS = Number(args.orders);
const CUSTOMERS = Number(args.customers);
const PAGE = Number(args.page);

process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const region = process.env.AWS_REGION;

interface Endpoints {
  readonly dynamodbEndpoint: string;
  readonly messagingEndpoint: string;
}
const overheadBuffer = new SharedArrayBuffer(8);
const overhead = new Float64Array(overheadBuffer);
// The worker registers tsx to load TypeScript, as this process does.
const workerModule = new URL('./emulator-worker.ts', import.meta.url).href;
const tsx = import.meta.resolve('tsx/esm/api');
const worker = new Worker(
  `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(workerModule)}); });`,
  { eval: true, workerData: { overhead: overheadBuffer } },
);
const ask = async <T>(message: string): Promise<T> => {
  worker.postMessage(message);
  return (await once(worker, 'message'))[0] as T;
};
const [{ emulators, proxy: proxied }] = (await once(worker, 'message')) as [
  { emulators: Endpoints; proxy: Endpoints },
];
const proxy = { ...proxied, overheadMs: () => overhead[0] ?? 0 };
const resources = await ensureResources(
  createAwsClients(region, {
    dynamodb: emulators.dynamodbEndpoint,
    sqs: emulators.messagingEndpoint,
    sns: emulators.messagingEndpoint,
  }),
  { table: 'cost-orders', queue: 'cost-orders', topic: 'cost-order-alerts' },
);
await ask('clear');

// The handlers read their configuration as in Lambda; every SDK call they make passes the proxy.
Object.assign(process.env, {
  ORDERS_TABLE_NAME: resources.tableName,
  ORDERS_QUEUE_URL: resources.queueUrl,
  ORDER_ALERTS_TOPIC_ARN: resources.topicArn,
  AUTH_MODE: 'apigateway',
  AWS_ENDPOINT_URL_DYNAMODB: proxy.dynamodbEndpoint,
  AWS_ENDPOINT_URL_SQS: proxy.messagingEndpoint,
  AWS_ENDPOINT_URL_SNS: proxy.messagingEndpoint,
});
await import(new URL('../../local/graphql-text-loader.mjs', import.meta.url).href);
const api = (await import('../../handlers/graphql.js')).handler;
const consumer = (await import('../../handlers/process-orders.js')).handler;
// The event source mapping's receives and deletes, as Lambda's poller makes them.
const poller = createAwsClients(region, { sqs: proxy.messagingEndpoint }).sqs;

/** Log bytes the functions wrote, and each invocation's duration. */
const logBytes = { api: 0, consumer: 0 };
const durationsMs = { api: [] as number[], consumer: [] as number[] };
let invocation = 0;

/** Lambda handlers are typed `void | Promise<T>`; these all return a promise. */
async function invoke(
  fn: 'api' | 'consumer',
  run: (requestId: string) => unknown,
): Promise<unknown> {
  invocation += 1;
  const write = process.stdout.write.bind(process.stdout);
  const capture = (chunk: string | Uint8Array) => {
    logBytes[fn] += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  const started = performance.now() - proxy.overheadMs();
  try {
    return await run(`00000000-0000-4000-8000-${String(invocation).padStart(12, '0')}`);
  } finally {
    durationsMs[fn].push(performance.now() - proxy.overheadMs() - started);
    process.stdout.write = write;
  }
}

const apiRequests: number[] = [];
async function graphql(customerId: string, query: string, variables: Record<string, unknown>) {
  const base = httpApiEvent({ body: JSON.stringify({ query, variables }) });
  const event: APIGatewayProxyEventV2 = {
    ...base,
    requestContext: {
      ...base.requestContext,
      authorizer: { jwt: { claims: { sub: customerId }, scopes: [] } },
    } as APIGatewayProxyEventV2['requestContext'],
  };
  const result = await invoke('api', (id) =>
    api(event, lambdaContext(id, 'order-api'), () => undefined),
  );
  const body =
    typeof result === 'object' && result !== null && 'body' in result ? String(result.body) : '';
  apiRequests.push(body.length);
  const json = JSON.parse(body) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (json.errors) throw new Error(`GraphQL error: ${JSON.stringify(json.errors)}`);
  return json.data ?? {};
}

const customer = (i: number) => `cost-customer-${i % CUSTOMERS}`;
const placed: { id: string; customerId: string }[] = [];
for (let i = 0; i < ORDERS; i += 1) {
  const customerId = customer(i);
  const data = await graphql(
    customerId,
    'mutation P($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id status } } }',
    {
      input: {
        customerId,
        customerEmail: 'ada@example.com',
        currency: 'EUR',
        idempotencyKey: `cost-${i}`,
        items: [
          { sku: 'BOOK-1', quantity: 2, unitPrice: 1250 },
          { sku: 'PEN-7', quantity: 1, unitPrice: 199 },
        ],
      },
    },
  );
  placed.push({ id: (data.placeOrder as { order: { id: string } }).order.id, customerId });
}

let processed = 0;
let batches = 0;
while (processed < ORDERS) {
  const { Messages = [] } = await poller.send(
    new ReceiveMessageCommand({
      QueueUrl: resources.queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  if (Messages.length === 0) throw new Error(`Queue empty after ${processed} of ${ORDERS} orders`);
  const event: SQSEvent = {
    Records: Messages.map((m) => toSqsRecord(m, 'arn:aws:sqs:local:0:cost', region)),
  };
  const result = (await invoke('consumer', (id) =>
    consumer(event, lambdaContext(id, 'order-processor'), () => undefined),
  )) as SQSBatchResponse;
  if (result.batchItemFailures.length > 0) throw new Error('The consumer failed a record');
  await poller.send(
    new DeleteMessageBatchCommand({
      QueueUrl: resources.queueUrl,
      Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
    }),
  );
  processed += Messages.length;
  batches += 1;
}

const ORDER_FIELDS =
  'id status total { amount currency } items { sku quantity } createdAt processedAt';
for (const { id, customerId } of placed) {
  await graphql(customerId, `query O($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`, { id });
}
for (const { customerId } of placed) {
  await graphql(
    customerId,
    `query L($c: ID!, $first: Int) { orders(customerId: $c, first: $first) { edges { cursor node { ${ORDER_FIELDS} } } pageInfo { hasNextPage endCursor } } }`,
    { c: customerId, first: PAGE },
  );
}

const { requests } = await ask<{ requests: RecordedRequest[] }>('requests');
const counts: RunCounts = {
  orders: ORDERS,
  requests,
  apiRequests: apiRequests.length,
  invocations: { api: durationsMs.api, consumer: durationsMs.consumer },
  logBytes,
  consumerBatches: batches,
};
const report = priceRun(counts, { ordersPerSecond: Number(args.rate) });
/**
 * The sweeper against a backlog: stored orders whose queue message and alert never went out
 * (as after an SNS and SQS outage), swept with the deployed defaults until none is left.
 */
async function measureBacklog(count: number) {
  const direct = createAwsClients(region, {
    dynamodb: emulators.dynamodbEndpoint,
    sqs: emulators.messagingEndpoint,
    sns: emulators.messagingEndpoint,
  });
  const deps = createOrderDependencies(direct, resources);
  const createdAt = new Date(Date.now() - 600_000).toISOString();
  for (let i = 0; i < count; i += 1) {
    await deps.store.create(anOrder({ createdAt, updatedAt: createdAt }));
  }
  const started = performance.now();
  let cleared = 0;
  let runs = 0;
  while (cleared < count) {
    const summary = await sweepOrders(deps);
    runs += 1;
    cleared += summary.redispatched;
    if (summary.found === 0) throw new Error(`The sweeper stopped with ${count - cleared} left`);
  }
  const minutes = (performance.now() - started) / 60_000;
  return { count, runs, seconds: minutes * 60, perMinute: count / minutes };
}
const backlog = Number(args.backlog) > 0 ? await measureBacklog(Number(args.backlog)) : undefined;

await ask('stop');
await worker.terminate();

console.log(report.text);
if (backlog) {
  console.log(
    `\nSweeper backlog: ${backlog.count} stranded orders cleared in ${backlog.runs} run(s), ${backlog.seconds.toFixed(1)} s: ${Math.round(backlog.perMinute)} orders/minute (deployed defaults, emulators on this machine)`,
  );
}
await mkdir(new URL('../../../cost-results/', import.meta.url), { recursive: true });
await writeFile(
  new URL(`../../../${args.out}`, import.meta.url),
  `${JSON.stringify({ ...(report.json as object), backlog }, null, 2)}\n`,
);
console.log(`\nWritten to ${args.out}`);
process.exit(0);
