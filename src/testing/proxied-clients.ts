import { AsyncLocalStorage } from 'node:async_hooks';
import { type AwsClients, createAwsClients } from '../adapters/aws/clients.js';
import { AMBIGUITY_READ_MS } from '../adapters/aws/dynamodb-order-store.js';
import { createOrderDependencies } from '../adapters/aws/order-dependencies.js';
import { API_CALL_BUDGET } from '../graphql/lambda-handler.js';
import type { LocalResources } from '../local/resources.js';
import type { OrderDependencies } from '../use-cases/dependencies.js';
import {
  FAULT_STREAM_HEADER,
  type FaultProxy,
  type ProxiedService,
  startFaultProxy,
} from './fault-proxy.js';

/** The fault stream of the calls made inside {@link inFaultStream}. */
const faultStream = new AsyncLocalStorage<string>();

/** Runs `work` so that every proxied call it makes draws its random faults from stream `name`. */
export const inFaultStream = <T>(name: string, work: () => Promise<T>): Promise<T> =>
  faultStream.run(name, work);

type BuildArgs = { request: { headers?: Record<string, string> } };
type Build = (args: BuildArgs) => Promise<unknown>;
interface StackClient {
  middlewareStack: { add(...args: never[]): void };
}

/** Names each request's fault stream in a header the proxy reads. */
function tagFaultStreams(client: StackClient): void {
  const add = client.middlewareStack.add.bind(client.middlewareStack) as (
    middleware: (next: Build) => Build,
    options: { step: 'build'; name: string },
  ) => void;
  add(
    (next) => async (args) => {
      const stream = faultStream.getStore();
      if (stream !== undefined && args.request.headers) {
        args.request.headers[FAULT_STREAM_HEADER] = stream;
      }
      return next(args);
    },
    { step: 'build', name: 'faultStream' },
  );
}

/** SDK clients and order dependencies whose every call passes a fault proxy of its service. */
export interface ProxiedOrderSystem {
  readonly proxies: Readonly<Record<ProxiedService, FaultProxy>>;
  readonly clients: AwsClients;
  readonly deps: OrderDependencies;
  /** Faults of every proxy, oldest first within each service. */
  faults(): FaultProxy['log'];
  /** Requests of every proxy that were carried out after their client gave up on them. */
  abandoned(): FaultProxy['abandoned'];
  calm(): void;
  stop(): Promise<void>;
}

/** Starts one proxy per service in front of the emulators the suite runs (from the environment). */
export async function startProxiedOrderSystem(
  resources: Pick<LocalResources, 'tableName' | 'queueUrl' | 'topicArn'>,
): Promise<ProxiedOrderSystem> {
  const target = (name: string) => {
    const endpoint = process.env[name];
    if (!endpoint) throw new Error(`${name} is not set`);
    return endpoint;
  };
  const [dynamodb, sqs, sns] = await Promise.all([
    startFaultProxy('dynamodb', target('AWS_ENDPOINT_URL_DYNAMODB')),
    startFaultProxy('sqs', target('AWS_ENDPOINT_URL_SQS')),
    startFaultProxy('sns', target('AWS_ENDPOINT_URL_SNS')),
  ]);
  const proxies = { dynamodb, sqs, sns };
  const clients = createAwsClients('us-east-1', {
    dynamodb: dynamodb.endpoint,
    sqs: sqs.endpoint,
    sns: sns.endpoint,
  });
  for (const client of [clients.dynamodb, clients.sqs, clients.sns]) tagFaultStreams(client);
  const all = Object.values(proxies);
  return {
    proxies,
    clients,
    deps: createOrderDependencies(clients, resources),
    faults: () => all.flatMap((p) => p.log),
    abandoned: () => all.flatMap((p) => p.abandoned),
    calm: () => {
      for (const p of all) p.calm();
    },
    stop: async () => {
      for (const c of [clients.dynamodb, clients.sqs, clients.sns]) c.destroy();
      await Promise.all(all.map((p) => p.stop()));
    },
  };
}

/**
 * The longest an API request may take under transport faults: its call budget, the read that
 * settles an ambiguous put, and a margin for a machine shared with the emulators (CPU, not I/O:
 * every call is cut at the budget).
 */
export const REQUEST_DEADLINE_BOUND_MS = API_CALL_BUDGET.capMs + AMBIGUITY_READ_MS + 1_500;
