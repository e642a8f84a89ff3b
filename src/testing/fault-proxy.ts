import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import {
  createServer,
  request as forward,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';

/** The services the order system calls, each with its own wire protocol and error shapes. */
export type ProxiedService = 'dynamodb' | 'sqs' | 'sns';

/** The request header naming the stream of random faults a request draws from. */
export const FAULT_STREAM_HEADER = 'x-fault-stream';

/** What can go wrong between an SDK client and a service, as the client's socket sees it. */
export const TRANSPORT_FAULTS = [
  /** The connection is reset before the request reaches the service. */
  'reset',
  /** The request is accepted and never answered. */
  'stall',
  /** The service carries the request out, then its answer is dropped with the connection. */
  'lost-response',
  /** The service answers with its own 5xx error. */
  'server-error',
  /** The service answers with its own throttling error. */
  'throttling',
] as const;
export type TransportFault = (typeof TRANSPORT_FAULTS)[number];

/** Random faults: each matching request fails with this probability, as a kind drawn at random. */
export interface RandomTransportFaults {
  /** A number in [0, 1); pass a seeded generator for reproducible runs. */
  readonly random: () => number;
  /**
   * The generator of one stream of requests, named by their `x-fault-stream` header (see
   * {@link FAULT_STREAM_HEADER}), so that each client meets the same faults in every run however
   * concurrent clients interleave. @default every request draws from `random`
   */
  readonly streams?: (stream: string) => () => number;
  readonly probability: number;
  /** Actions (`PutItem`, `SendMessage`, `Publish`, …) that may fail. @default every action */
  readonly actions?: readonly string[];
  /** @default {@link TRANSPORT_FAULTS} */
  readonly kinds?: readonly TransportFault[];
}

/** One fault the proxy injected. */
export interface ProxiedFault {
  readonly service: ProxiedService;
  readonly action: string;
  readonly fault: TransportFault;
  /** The order the request named, when the proxy could read it from the request. */
  readonly orderId?: string;
}

/** A request that reached the proxy: its action and, for DynamoDB, the table and index it names. */
export interface ProxiedRequest {
  readonly action: string;
  readonly table?: string;
  readonly index?: string;
}

/** A request the service carried out whose answer the client never read (it gave up first). */
export interface AbandonedRequest {
  readonly action: string;
  readonly orderId?: string;
}

export interface FaultProxy {
  /** The endpoint to give an SDK client instead of the emulator's. */
  readonly endpoint: string;
  /** Makes the next `times` requests of `action` fail with `fault`. */
  fail(action: string, fault: TransportFault, times?: number): void;
  /** Turns random faults on, or off with `undefined`. Planned faults come first. */
  randomly(faults: RandomTransportFaults | undefined): void;
  /** Forgets planned faults, turns random ones off and lets go of stalled requests. */
  calm(): void;
  /** Every fault injected so far, oldest first. */
  readonly log: readonly ProxiedFault[];
  /**
   * Requests forwarded to the service whose client closed the connection before the answer came
   * back (its own timeout or budget cut it): as ambiguous to the client as a lost answer.
   */
  readonly abandoned: readonly AbandonedRequest[];
  /** Every request received so far, faulted or not, oldest first. */
  readonly requests: readonly ProxiedRequest[];
  stop(): Promise<void>;
}

/** The action a request asks for: the JSON protocols name it in a header, SNS's query in the body. */
function actionOf(service: ProxiedService, headers: IncomingHttpHeaders, body: string): string {
  if (service === 'sns') return new URLSearchParams(body).get('Action') ?? '';
  const target = String(headers['x-amz-target'] ?? '');
  return target.slice(target.indexOf('.') + 1);
}

/** The order a request is about, for the fault log: an item key, a dedup id or an SNS attribute. */
function orderIdOf(service: ProxiedService, body: string): string | undefined {
  const match =
    service === 'sns'
      ? /(ord_[0-9a-f]{32})/.exec(new URLSearchParams(body).toString())
      : /"(?:id|MessageDeduplicationId)":(?:\{"S":)?"(ord_[0-9a-f]{32})"/.exec(body);
  return match?.[1];
}

interface ErrorAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const json = (status: number, type: string, message: string, query?: string): ErrorAnswer => ({
  status,
  headers: {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-requestid': randomUUID(),
    ...(query && { 'x-amzn-query-error': query }),
  },
  body: JSON.stringify({ __type: type, message }),
});

const xml = (status: number, type: string, code: string, message: string): ErrorAnswer => ({
  status,
  headers: { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() },
  body:
    '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error>' +
    `<Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error>` +
    `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
});

/** Each service's 5xx and throttling answers, as it sends them on the wire. */
const ERROR_ANSWERS: Record<
  ProxiedService,
  Record<'server-error' | 'throttling', () => ErrorAnswer>
> = {
  dynamodb: {
    'server-error': () =>
      json(500, 'com.amazonaws.dynamodb.v20120810#InternalServerError', 'Internal server error'),
    throttling: () =>
      json(
        400,
        'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
        'The level of configured provisioned throughput for the table was exceeded.',
      ),
  },
  sqs: {
    'server-error': () =>
      json(500, 'com.amazonaws.sqs#InternalError', 'Internal failure', 'InternalError;Receiver'),
    throttling: () =>
      json(400, 'com.amazonaws.sqs#RequestThrottled', 'Rate exceeded', 'RequestThrottled;Sender'),
  },
  sns: {
    'server-error': () => xml(500, 'Receiver', 'InternalError', 'Internal failure'),
    throttling: () => xml(400, 'Sender', 'Throttling', 'Rate exceeded'),
  },
};

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A fault-injecting HTTP proxy between SDK clients and one emulator, on 127.0.0.1: every
 * request is forwarded as it came unless a fault is due for its action. Unlike faults thrown from
 * SDK middleware, these reach the SDK through its HTTP handler, so its timeouts, retries and
 * error parsing are what the code under test meets in AWS.
 */
export async function startFaultProxy(
  service: ProxiedService,
  target: string,
): Promise<FaultProxy> {
  const upstream = new URL(target);
  const planned = new Map<string, { fault: TransportFault; times: number }>();
  let random: RandomTransportFaults | undefined;
  const log: ProxiedFault[] = [];
  const abandoned: AbandonedRequest[] = [];
  const requests: ProxiedRequest[] = [];
  const stalled = new Set<Socket>();
  const sockets = new Set<Socket>();

  const streams = new Map<string, () => number>();
  const generatorFor = (faults: RandomTransportFaults, stream: string | undefined) => {
    if (stream === undefined || faults.streams === undefined) return faults.random;
    let generator = streams.get(stream);
    if (generator === undefined) {
      generator = faults.streams(stream);
      streams.set(stream, generator);
    }
    return generator;
  };
  const choose = (action: string, stream: string | undefined): TransportFault | undefined => {
    const plan = planned.get(action);
    if (plan && plan.times > 0) {
      plan.times -= 1;
      return plan.fault;
    }
    if (!random || (random.actions && !random.actions.includes(action))) return undefined;
    const next = generatorFor(random, stream);
    if (next() >= random.probability) return undefined;
    const kinds = random.kinds ?? TRANSPORT_FAULTS;
    return kinds[Math.floor(next() * kinds.length)];
  };

  const relay = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>(
      (resolve, reject) => {
        const out = forward(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: upstream.host },
          },
          async (res) => {
            try {
              resolve({
                status: res.statusCode ?? 502,
                headers: res.headers,
                body: await readBody(res),
              });
            } catch (error) {
              reject(error);
            }
          },
        );
        out.on('error', reject);
        out.end(body);
      },
    );

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const text = body.toString('utf8');
    const action = actionOf(service, req.headers, text);
    const table = /"TableName":"([^"]+)"/.exec(text)?.[1];
    const index = /"IndexName":"([^"]+)"/.exec(text)?.[1];
    requests.push({ action, ...(table && { table }), ...(index && { index }) });
    const stream = req.headers[FAULT_STREAM_HEADER];
    const fault = choose(action, typeof stream === 'string' ? stream : undefined);
    if (fault) {
      const orderId = orderIdOf(service, text);
      log.push({ service, action, fault, ...(orderId && { orderId }) });
    }
    if (fault === 'reset') {
      req.socket.resetAndDestroy();
      return;
    }
    if (fault === 'stall') {
      stalled.add(req.socket);
      req.socket.once('close', () => stalled.delete(req.socket));
      return;
    }
    if (fault === 'server-error' || fault === 'throttling') {
      const answer = ERROR_ANSWERS[service][fault]();
      res.writeHead(answer.status, answer.headers).end(answer.body);
      return;
    }
    let clientGone = false;
    res.once('close', () => {
      clientGone = !res.writableFinished;
    });
    const answer = await relay(req, body);
    if (clientGone || req.socket.destroyed) {
      const orderId = orderIdOf(service, text);
      if (fault !== 'lost-response') abandoned.push({ action, ...(orderId && { orderId }) });
      return;
    }
    if (fault === 'lost-response') {
      req.socket.resetAndDestroy();
      return;
    }
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    delete headers.connection;
    res
      .writeHead(answer.status, { ...headers, 'content-length': answer.body.length })
      .end(answer.body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');

  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    fail(action, fault, times = 1) {
      planned.set(action, { fault, times });
    },
    randomly(faults) {
      random = faults;
      streams.clear();
    },
    calm() {
      planned.clear();
      random = undefined;
      streams.clear();
      for (const socket of stalled) socket.destroy();
    },
    get log() {
      return log;
    },
    get abandoned() {
      return abandoned;
    },
    get requests() {
      return requests;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
