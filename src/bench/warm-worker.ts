// Runs in a child process (stdout discarded, so the handler's logs and metrics cost what they
// cost without cluttering the report): times warm requests against baselines and sends the
// timings to the parent over IPC. The parent bundles this file with the Lambda options, so the
// handler inside is compiled exactly as in its own bundle; sharing the bundle means the handler and
// the baselines run on one copy of the SDK, as a Lambda process has, instead of two copies that
// would compete for the CPU's caches and penalize whichever runs less often.
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { createAwsClients } from '../adapters/aws/clients.js';
import { createOrderDependencies } from '../adapters/aws/order-dependencies.js';
import { parseConfig } from '../config.js';
import { getOrder } from '../use-cases/get-order.js';
import { placeOrder } from '../use-cases/place-order.js';
import { graphqlHttpEvent, lambdaContext, OPERATIONS, placeOrderInput } from './events.js';
import { IoBaselines } from './io-baselines.js';
import { interleave } from './stats.js';

/** What the parent asks the worker to measure. */
export interface WarmRequest {
  readonly warmupRounds: number;
  readonly rounds: number;
  /** The emulator's self-signed certificate, trusted on top of Node's bundled roots. */
  readonly caFile: string;
}

/** Timings in milliseconds, by what was timed. */
export type WarmTimings = Record<string, number[]>;

type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
  callback: () => void,
) => Promise<APIGatewayProxyResultV2>;

/** Node ≥ 22.19 / 24.5 (the functions' Node); this checkout's Node 20 types lack them. */
interface TlsDefaults {
  getCACertificates(kind: 'bundled'): string[];
  setDefaultCACertificates(certs: readonly string[]): void;
}

function trustCertificate(caFile: string) {
  const defaults = tls as unknown as TlsDefaults;
  defaults.setDefaultCACertificates([
    ...defaults.getCACertificates('bundled'),
    readFileSync(caFile, 'utf8'),
  ]);
}

async function invoke(handler: HttpHandler, event: APIGatewayProxyEventV2, id: string) {
  const response = await handler(event, lambdaContext(id), () => undefined);
  if (typeof response !== 'object' || response.statusCode !== 200 || !response.body)
    throw new Error(`Unexpected response ${JSON.stringify(response)}`);
  const body = JSON.parse(response.body) as { data?: unknown; errors?: unknown };
  if (body.errors) throw new Error(`GraphQL errors: ${response.body}`);
  return body.data;
}

async function measure(request: WarmRequest): Promise<WarmTimings> {
  trustCertificate(request.caFile);
  // Imported only now: the handler reads its configuration from the environment at import.
  const { handler } = (await import('../handlers/graphql.js')) as unknown as {
    handler: HttpHandler;
  };
  const config = parseConfig();
  const clients = createAwsClients(config.region);
  const io = new IoBaselines(clients, config);
  // The use cases called directly, without GraphQL or the handler: splits the handler's overhead
  // into what the use case's own I/O and logic cost and what the GraphQL layer adds.
  const deps = createOrderDependencies(clients, config);
  let n = 0;
  const next = () => `${process.pid}-${++n}`;
  const placeViaHandler = () => {
    const id = next();
    return invoke(
      handler,
      graphqlHttpEvent(OPERATIONS.placeOrder, { input: placeOrderInput(id) }, id),
      id,
    );
  };
  const placeTasks = {
    placeOrderHandler: placeViaHandler,
    placeOrderConcurrentFloor: () => io.concurrentFloor(io.order(next())),
    placeOrderSequential: () => io.sequential(io.order(next())),
    placeOrderFloorWithRecord: () => io.concurrentFloorWithRecord(io.order(next())),
    placeOrderUseCase: () => placeOrder(deps, placeOrderInput(next())),
  };
  const placed = (await placeViaHandler()) as { placeOrder: { order: { id: string } } };
  const orderId = placed.placeOrder.order.id;
  const readTasks = {
    orderHandler: () => {
      const id = next();
      return invoke(handler, graphqlHttpEvent(OPERATIONS.order, { id: orderId }, id), id);
    },
    getCommand: () => io.get(orderId),
    getOrderUseCase: () => getOrder(deps, orderId),
  };
  await interleave(placeTasks, request.warmupRounds);
  await interleave(readTasks, request.warmupRounds);
  return {
    ...(await interleave(placeTasks, request.rounds)),
    ...(await interleave(readTasks, request.rounds)),
  };
}

process.once('message', (request: WarmRequest) => {
  measure(request).then(
    (timings) => process.send?.({ timings }, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
});
