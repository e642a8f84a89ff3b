import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
  Handler,
} from 'aws-lambda';

export type HttpApiHandler = Handler<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2 | string
>;

/** Largest request body accepted, as API Gateway caps payloads. */
const MAX_BODY_BYTES = 1024 * 1024;
/**
 * Most bytes of a refused body read and thrown away so that the connection can serve the next
 * request; past this the connection is closed instead.
 */
const MAX_DRAINED_BYTES = 8 * MAX_BODY_BYTES;

/**
 * The request body, or undefined once it passes {@link MAX_BODY_BYTES}. A refused body is still
 * read to its end and dropped rather than left in the socket, where it would be taken for the
 * next request on a keep-alive connection; past {@link MAX_DRAINED_BYTES} the connection is closed.
 */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      chunks = [];
      resolve(undefined);
      if (size > MAX_DRAINED_BYTES) req.socket.destroy();
    });
    req.once('end', () => resolve(size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : undefined));
    req.once('error', reject);
  });
}

/**
 * Answers 413. A body declared too long to drain is never read and the connection closes after
 * the answer; any other is read and dropped, keeping the connection for the next request.
 */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse): void {
  const close = Number(req.headers['content-length'] ?? 0) > MAX_DRAINED_BYTES;
  res
    .writeHead(413, { 'content-type': 'application/json', ...(close && { connection: 'close' }) })
    .end('{"message":"Request Entity Too Large"}');
  if (!close) req.resume();
}

/** The API Gateway HTTP API (payload v2) event for a Node request, as API Gateway builds it. */
export function toHttpApiEvent(
  req: IncomingMessage,
  body: Buffer,
  routeKey: string,
): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search && { queryStringParameters: Object.fromEntries(url.searchParams) }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 && { body: body.toString('utf8') }),
    isBase64Encoded: false,
  };
}

export function lambdaContext(requestId: string, functionName = 'order-api-local'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function send(res: ServerResponse, result: Awaited<ReturnType<HttpApiHandler>>): void {
  if (result === undefined || typeof result === 'string') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(result ?? '');
    return;
  }
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]),
  );
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : result.body);
}

/**
 * A local stand-in for API Gateway: turns each HTTP request on `path` into a payload v2 event
 * and answers with what the Lambda handler returns, so the local server runs the Lambda code path.
 */
export function createHttpGateway(handler: HttpApiHandler, path = '/graphql'): Server {
  return createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/') {
        res.writeHead(302, { location: path }).end();
        return;
      }
      if (url.pathname !== path) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
        return;
      }
      // Refused on its declared length before a byte of it is read.
      if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
        refuseTooLarge(req, res);
        return;
      }
      const body = await readBody(req);
      if (body === undefined) {
        refuseTooLarge(req, res);
        return;
      }
      const event = toHttpApiEvent(req, body, `${req.method} ${path}`);
      send(
        res,
        await handler(event, lambdaContext(event.requestContext.requestId), () => undefined),
      );
    })().catch((error: unknown) => {
      console.error('Local gateway failed to answer a request', error);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end('{"message":"Internal Server Error"}');
    });
  });
}
