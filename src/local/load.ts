/**
 * Load test: starts its own emulators and the GraphQL Lambda handler behind the local gateway on
 * 127.0.0.1, drives it with concurrent clients placing orders over HTTP for a fixed time, then
 * checks against the emulators' state that no order was lost or duplicated.
 *
 *   npm run load -- --clients 32 --seconds 20 --duplicates 0.1
 *
 * (or LOAD_CLIENTS, LOAD_SECONDS, LOAD_DUPLICATES). Exits non-zero when an invariant fails.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createAwsClients } from '../adapters/aws/clients.js';
import { createOrderDependencies } from '../adapters/aws/order-dependencies.js';
import { createAuthenticator } from '../graphql/authentication.js';
import { createHttpApiHandler } from '../graphql/lambda-handler.js';
import { checkInvariants, readOrderSystemState } from '../reliability/audit.js';
import { sweepOrders } from '../use-cases/sweep-orders.js';
import { emulatorEndpoints, startEmulators } from './emulators.js';
import { createHttpGateway } from './http-gateway.js';
import { ensureResources } from './resources.js';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: process.env.LOAD_CLIENTS ?? '32' },
    seconds: { type: 'string', default: process.env.LOAD_SECONDS ?? '20' },
    duplicates: { type: 'string', default: process.env.LOAD_DUPLICATES ?? '0.1' },
  },
});
const CLIENTS = Number(args.clients);
const SECONDS = Number(args.seconds);
const DUPLICATE_SHARE = Number(args.duplicates);
if (!(CLIENTS >= 1 && CLIENTS <= 512 && SECONDS > 0 && SECONDS <= 600)) {
  console.error('--clients must be 1..512 and --seconds 1..600');
  process.exit(2);
}
/** Attempts per order before a client gives up on it. */
const MAX_ATTEMPTS = 5;
/** Upper bound on requests per client, whatever the speed. */
const MAX_REQUESTS_PER_CLIENT = 1_000_000;

process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const emulators = await startEmulators();
const clients = createAwsClients(process.env.AWS_REGION, emulatorEndpoints(emulators));
const resources = await ensureResources(clients, {
  table: 'load-orders',
  queue: 'load-orders',
  topic: 'load-order-alerts',
});
const deps = createOrderDependencies(clients, resources);
const unexpected: unknown[] = [];
const gateway = createHttpGateway(
  createHttpApiHandler({
    deps,
    // Authentication off, as in local mode: the load measures the order path, not token checks.
    authenticate: createAuthenticator({ mode: 'off' }),
    logger: { error: (_message, details) => unexpected.push(details) },
  }),
);
gateway.listen(0, '127.0.0.1');
await once(gateway, 'listening');
const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/graphql`;

const PLACE_ORDER = `mutation PlaceOrder($input: PlaceOrderInput!) {
  placeOrder(input: $input) { order { id status } }
}`;

interface Answer {
  readonly orderId?: string;
  readonly code?: string;
}

const latencies: number[] = [];
const errorCounts = new Map<string, number>();
const countError = (code: string) => errorCounts.set(code, (errorCounts.get(code) ?? 0) + 1);

async function post(body: string): Promise<Answer> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const json = (await response.json()) as {
      data?: { placeOrder?: { order?: { id?: string } } } | null;
      errors?: { extensions?: { code?: string } }[];
    };
    const orderId = json.data?.placeOrder?.order?.id;
    if (orderId) return { orderId };
    return { code: json.errors?.[0]?.extensions?.code ?? `HTTP_${response.status}` };
  } catch (error) {
    return { code: `NETWORK_${(error as Error).name}` };
  } finally {
    latencies.push(performance.now() - started);
  }
}

/** The request tag (the e-mail) of each acknowledged order, to the id the API answered. */
const acknowledged = new Map<string, string>();
let requests = 0;
let duplicatesSent = 0;
let duplicateMismatches = 0;
let abandoned = 0;

/** Sends one order, retrying on SERVICE_UNAVAILABLE with the same key; its id once acknowledged. */
async function placeOnce(body: string, deadline: number): Promise<string | undefined> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS && performance.now() < deadline; attempt += 1) {
    requests += 1;
    const answer = await post(body);
    if (answer.orderId) return answer.orderId;
    countError(answer.code ?? 'UNKNOWN');
    if (answer.code !== 'SERVICE_UNAVAILABLE') break;
  }
  abandoned += 1;
  return undefined;
}

async function runClient(client: number, deadline: number): Promise<void> {
  for (let n = 0; n < MAX_REQUESTS_PER_CLIENT && performance.now() < deadline; n += 1) {
    const tag = `load-${client}-${n}`;
    const input = {
      customerId: `customer-${Math.floor(Math.random() * 1000)}`,
      customerEmail: `${tag}@example.com`,
      currency: 'EUR',
      items: [
        { sku: 'BOOK-1', quantity: 1 + (n % 3), unitPrice: 1250 },
        { sku: 'PEN-7', quantity: 1, unitPrice: 199 },
      ],
      idempotencyKey: randomUUID(),
    };
    const body = JSON.stringify({ query: PLACE_ORDER, variables: { input } });
    const orderId = await placeOnce(body, deadline);
    if (orderId === undefined) continue;
    acknowledged.set(tag, orderId);
    if (Math.random() < DUPLICATE_SHARE) {
      duplicatesSent += 1;
      const replay = await placeOnce(body, deadline + 5_000);
      if (replay !== undefined && replay !== orderId) duplicateMismatches += 1;
    }
  }
}

console.log(`Load: ${CLIENTS} clients for ${SECONDS} s against ${url} (loopback only)`);
const started = performance.now();
const deadline = started + SECONDS * 1000;
await Promise.all(Array.from({ length: CLIENTS }, (_, i) => runClient(i, deadline)));
const elapsed = (performance.now() - started) / 1000;

gateway.closeAllConnections();
gateway.close();
// Orders whose client gave up mid-flight are completed as the scheduled sweeper would.
const sweep = await sweepOrders(
  { ...deps, clock: () => new Date(Date.now() + 120_000) },
  { graceMs: 60_000 },
);
const state = await readOrderSystemState(clients, resources);
const report = checkInvariants(state, acknowledged);
await emulators.stop();

const sorted = [...latencies].sort((a, b) => a - b);
const percentile = (p: number) =>
  (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0).toFixed(1);
const alerts = [...state.alerts.values()].reduce((a, b) => a + b, 0);
const unacknowledgedStored = report.stored - acknowledged.size;
const checks: [string, boolean][] = [
  ['every acknowledged order is stored', report.lostOrders.length === 0],
  ['no request stored twice', report.duplicateOrders.length === 0],
  [
    'stored orders = distinct acknowledged keys (+ orders whose client gave up)',
    unacknowledgedStored >= 0 && unacknowledgedStored <= abandoned,
  ],
  ['exactly one queue message per order', report.wrongMessageCount.length === 0],
  ['every order alerted and marked dispatched', report.ok],
  ['a replayed key returns the same order', duplicateMismatches === 0],
  ['no unexpected server error', unexpected.length === 0],
];
const errors = [...errorCounts].map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
console.log(
  [
    `Requests        ${requests} in ${elapsed.toFixed(1)} s (${(requests / elapsed).toFixed(0)} req/s), ${duplicatesSent} deliberate duplicates`,
    `Orders          ${acknowledged.size} acknowledged (${(acknowledged.size / elapsed).toFixed(0)} orders/s), ${report.stored} stored, ${sweep.redispatched} completed by the sweeper`,
    `Latency (ms)    p50 ${percentile(50)}  p90 ${percentile(90)}  p99 ${percentile(99)}  max ${percentile(100)}`,
    `Errors by code  ${errors}`,
    `Queue messages  ${[...state.messages.values()].reduce((a, b) => a + b, 0)} for ${state.messages.size} orders`,
    `Alerts          ${alerts} for ${state.alerts.size} orders (${report.duplicateAlerts} duplicates)`,
    ...checks.map(([name, ok]) => `${ok ? 'PASS' : 'FAIL'}  ${name}`),
  ].join('\n'),
);
process.exit(checks.every(([, ok]) => ok) ? 0 : 1);
