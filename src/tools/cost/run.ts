/**
 * The cost of an order, measured: runs real order lifecycles against the emulators through the
 * Lambda handlers the stack deploys — place, process, one read and one list per order — counts
 * every AWS request through a proxy, computes DynamoDB units per AWS's rules, and prices it all
 * from the dated price table.
 *
 *   npm run cost -- --orders 100 --customers 10 --page 10 --rate 1000 --backlog 400 --watched 10
 *
 * `--watched` orders run the same lifecycle again, each watched by an `orderUpdated` subscriber
 * over the WebSocket function; the difference is what watching an order costs.
 *
 * `--rate` (orders per second) only sets the share of invocations X-Ray samples.
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type {
  APIGatewayProxyEventV2,
  ScheduledEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { createAwsClients } from '../../adapters/aws/clients.js';
import { createOrderDependencies } from '../../adapters/aws/order-dependencies.js';
import { emulatorEndpoints } from '../../local/emulators.js';
import { lambdaContext } from '../../local/http-gateway.js';
import { toSqsRecord } from '../../local/queue-poller.js';
import { ensureResources } from '../../local/resources.js';
import { REALTIME_LIMITS } from '../../realtime/websocket-handler.js';
import { httpApiEvent } from '../../testing/api-gateway-events.js';
import { anOrder } from '../../testing/orders.js';
import { sweepOrders } from '../../use-cases/sweep-orders.js';
import type { RecordedRequest } from './counting-proxy.js';
import {
  compareWatched,
  type PricedFunction,
  priceRun,
  RECONCILE_INTERVAL_MINUTES,
  type RunCounts,
  runsPerMonth,
} from './pricing.js';
import { startWatching, type Watcher } from './watchers.js';

const { values: args } = parseArgs({
  options: {
    orders: { type: 'string', default: '100' },
    customers: { type: 'string', default: '10' },
    rate: { type: 'string', default: '1000' },
    page: { type: 'string', default: '10' },
    out: { type: 'string', default: 'cost-results/latest.json' },
    backlog: { type: 'string', default: '400' },
    watched: { type: 'string', default: '10' },
  },
});
const ORDERS = Number(args.orders);
const CUSTOMERS = Number(args.customers);
const PAGE = Number(args.page);
const WATCHED = Number(args.watched);
// Every watcher here is the same (trusted) caller, who may hold only so many connections.
if (WATCHED > REALTIME_LIMITS.connectionsPerCaller)
  throw new Error(`--watched is at most ${REALTIME_LIMITS.connectionsPerCaller}`);

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
const direct = createAwsClients(region, emulatorEndpoints(emulators));
const resources = await ensureResources(direct, {
  table: 'cost-orders',
  queue: 'cost-orders',
  topic: 'cost-order-alerts',
});
await ask('clear');

const subscriptions = await startWatching(direct);

// The handlers read their configuration as in Lambda; every SDK call they make passes the proxy.
Object.assign(process.env, {
  ORDERS_TABLE_NAME: resources.tableName,
  ORDERS_QUEUE_URL: resources.queueUrl,
  ORDER_ALERTS_TOPIC_ARN: resources.topicArn,
  AUTH_MODE: 'apigateway',
  AWS_ENDPOINT_URL_DYNAMODB: proxy.dynamodbEndpoint,
  AWS_ENDPOINT_URL_SQS: proxy.messagingEndpoint,
  AWS_ENDPOINT_URL_SNS: proxy.messagingEndpoint,
  ...subscriptions.env,
});
const api = (await import('../../handlers/graphql.js')).handler;
const consumer = (await import('../../handlers/process-orders.js')).handler;
// In AWS the WebSocket function verifies Cognito tokens itself; here it trusts every caller
// (no signing keys to verify against), so the check's few milliseconds are not counted.
process.env.AUTH_MODE = 'off';
const websocket = (await import('../../handlers/graphql-ws.js')).handler;
process.env.AUTH_MODE = 'apigateway';
const reconciler = (await import('../../handlers/reconcile-subscriptions.js')).handler;
// The event source mapping's receives and deletes, as Lambda's poller makes them.
const poller = createAwsClients(region, { sqs: proxy.messagingEndpoint }).sqs;

/** What the functions did in one phase of the run. */
interface Phase {
  /** Log bytes each function wrote. */
  readonly logBytes: Record<PricedFunction, number>;
  /** Each invocation's duration, per function. */
  readonly durationsMs: Record<PricedFunction, number[]>;
  apiRequests: number;
  consumerBatches: number;
}
const newPhase = (): Phase => ({
  logBytes: { api: 0, consumer: 0, subscriptions: 0, reconciler: 0 },
  durationsMs: { api: [], consumer: [], subscriptions: [], reconciler: [] },
  apiRequests: 0,
  consumerBatches: 0,
});
let phase = newPhase();
let invocation = 0;

/** Which function of which phase is running, through all of an invocation's async work. */
const running = new AsyncLocalStorage<{ readonly phase: Phase; readonly fn: PricedFunction }>();
const writeOut = process.stdout.write.bind(process.stdout);
// What a function writes is its log: counted, not shown. Invocations may overlap (a WebSocket
// event while the API answers), so each write is charged to the invocation it comes from.
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  const owner = running.getStore();
  if (owner === undefined) return writeOut(chunk, ...rest);
  owner.phase.logBytes[owner.fn] +=
    typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  return true;
}) as typeof process.stdout.write;

/** Runs one invocation, timing it and counting what it logs. */
async function invoke<T>(fn: PricedFunction, run: (requestId: string) => T): Promise<Awaited<T>> {
  invocation += 1;
  const requestId = `00000000-0000-4000-8000-${String(invocation).padStart(12, '0')}`;
  const current = phase;
  const started = performance.now() - proxy.overheadMs();
  try {
    return await running.run({ phase: current, fn }, async () => await run(requestId));
  } finally {
    current.durationsMs[fn].push(performance.now() - proxy.overheadMs() - started);
  }
}
subscriptions.handleWith(async (event) => {
  const result = await invoke('subscriptions', (id) =>
    websocket(event, lambdaContext(id, 'order-subscriptions'), () => undefined),
  );
  if (!result) throw new Error('The WebSocket function returned nothing');
  return result;
});

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
  phase.apiRequests += 1;
  const body =
    typeof result === 'object' && result !== null && 'body' in result ? String(result.body) : '';
  const json = JSON.parse(body) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (json.errors) throw new Error(`GraphQL error: ${JSON.stringify(json.errors)}`);
  return json.data ?? {};
}

/** Hands the queue's messages to the consumer as the event source mapping does, until `count`. */
async function processQueued(count: number) {
  let processed = 0;
  while (processed < count) {
    const { Messages = [] } = await poller.send(
      new ReceiveMessageCommand({
        QueueUrl: resources.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) throw new Error(`Queue empty after ${processed} of ${count} orders`);
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
    phase.consumerBatches += 1;
  }
}

const ORDER_FIELDS =
  'id status total { amount currency } items { sku quantity } createdAt processedAt';
const customer = (i: number) => `cost-customer-${i % CUSTOMERS}`;

/**
 * One lifecycle per order: placed, processed by the consumer in batches, read once and listed
 * once. With `watch`, each order's customer subscribes to it (`orderUpdated`) right after placing
 * it and stays until the subscription completes.
 */
async function lifecycles(run: string, orders: number, watch: boolean): Promise<RunCounts> {
  await ask('clear');
  phase = newPhase();
  const placed: { id: string; customerId: string }[] = [];
  const watchers: Watcher[] = [];
  for (let i = 0; i < orders; i += 1) {
    const customerId = customer(i);
    const data = await graphql(
      customerId,
      'mutation P($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id status } } }',
      {
        input: {
          customerId,
          customerEmail: 'ada@example.com',
          currency: 'EUR',
          idempotencyKey: `cost-${run}-${i}`,
          items: [
            { sku: 'BOOK-1', quantity: 2, unitPrice: 1250 },
            { sku: 'PEN-7', quantity: 1, unitPrice: 199 },
          ],
        },
      },
    );
    const id = (data.placeOrder as { order: { id: string } }).order.id;
    placed.push({ id, customerId });
    if (watch) watchers.push(await subscriptions.watch(id));
  }
  await processQueued(orders);
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
  const websocketUse = await subscriptions.finish(watchers);
  const { requests } = await ask<{ requests: RecordedRequest[] }>('requests');
  return {
    orders,
    requests,
    apiRequests: phase.apiRequests,
    invocations: phase.durationsMs,
    logBytes: phase.logBytes,
    consumerBatches: phase.consumerBatches,
    ...(watch && { websocket: websocketUse }),
  };
}

const pricing = { ordersPerSecond: Number(args.rate) };
const report = priceRun(await lifecycles('plain', ORDERS, false), pricing);
const watched =
  WATCHED > 0 ? priceRun(await lifecycles('watched', WATCHED, true), pricing) : undefined;
/** One scheduled run of the reconciler with no subscription open, as most minutes of a quiet shop. */
async function reconcileOnce(): Promise<RunCounts> {
  await ask('clear');
  phase = newPhase();
  await invoke('reconciler', (id) =>
    reconciler(
      {} as ScheduledEvent,
      lambdaContext(id, 'order-subscription-reconciler'),
      () => undefined,
    ),
  );
  const { requests } = await ask<{ requests: RecordedRequest[] }>('requests');
  return {
    orders: 1,
    requests,
    apiRequests: 0,
    invocations: phase.durationsMs,
    logBytes: phase.logBytes,
    consumerBatches: 0,
  };
}
const reconcileRun = priceRun(await reconcileOnce(), pricing);

/**
 * The sweeper against a backlog: stored orders whose queue message and alert never went out
 * (as after an SNS and SQS outage), swept with the deployed defaults until none is left.
 */
async function measureBacklog(count: number) {
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

await subscriptions.stop();
await ask('stop');
await worker.terminate();

console.log(report.text);
if (watched) console.log(`\n${compareWatched(report, watched, WATCHED)}`);
const reconcilerPerMonth =
  (reconcileRun.withoutEmail / 1e6) * runsPerMonth(RECONCILE_INTERVAL_MINUTES);
console.log(
  `\nSubscription reconciler, every ${RECONCILE_INTERVAL_MINUTES} min with no subscription open: $${reconcilerPerMonth.toFixed(4)} a month (${reconcileRun.lines
    .filter((l) => l.dollarsPerMillion > 0)
    .map((l) => `${l.item} ${l.perOrder.toFixed(l.unit === 'bytes' ? 0 : 3)} ${l.unit}`)
    .join(', ')} a run)`,
);
if (backlog) {
  console.log(
    `\nSweeper backlog: ${backlog.count} stranded orders cleared in ${backlog.runs} run(s), ${backlog.seconds.toFixed(1)} s: ${Math.round(backlog.perMinute)} orders/minute (deployed defaults, emulators on this machine)`,
  );
}
await mkdir(new URL('../../../cost-results/', import.meta.url), { recursive: true });
await writeFile(
  new URL(`../../../${args.out}`, import.meta.url),
  `${JSON.stringify(
    {
      ...(report.json as object),
      watched: watched?.json,
      reconciler: { perRun: reconcileRun.json, dollarsPerMonth: reconcilerPerMonth },
      backlog,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nWritten to ${args.out}`);
process.exit(0);
