import { handlers, startServerAndCreateLambdaHandler } from '@as-integrations/aws-lambda';
import type { Context } from 'aws-lambda';
import { GraphQLError } from 'graphql';
import { type BudgetPolicy, budgetFor, withCallBudget } from '../adapters/aws/call-budget.js';
import type { OrderDependencies } from '../use-cases/dependencies.js';
import type { ApiEvent, Authenticate } from './authentication.js';
import type { GraphQLContext } from './context.js';
import { createGraphQLServer, type GraphQLServerOptions } from './server.js';

export interface GraphQLLambdaOptions extends GraphQLServerOptions {
  readonly deps: OrderDependencies;
  readonly authenticate: Authenticate;
}

/** Largest request body accepted; the biggest valid order is far below it. */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** Every answer is for one caller only: no browser or proxy may keep it. */
const NO_STORE = { 'cache-control': 'no-store' } as const;

/** Marks each answer the server produces as not to be stored. */
async function forbidStoring() {
  return async (result: { headers?: Record<string, boolean | number | string> }) => {
    result.headers = { ...result.headers, ...NO_STORE };
  };
}

/** Answers 413 before any parsing when the body is larger than {@link MAX_REQUEST_BYTES}. */
async function rejectLargeBody({ body, isBase64Encoded }: ApiEvent) {
  const size = body ? Buffer.byteLength(body, isBase64Encoded ? 'base64' : 'utf8') : 0;
  if (size <= MAX_REQUEST_BYTES) return undefined;
  const payload = {
    errors: [
      {
        message: `Request body exceeds ${MAX_REQUEST_BYTES} bytes.`,
        extensions: { code: 'PAYLOAD_TOO_LARGE' },
      },
    ],
  };
  return {
    statusCode: 413,
    headers: { 'content-type': 'application/json', ...NO_STORE },
    body: JSON.stringify(payload),
  };
}

async function callerOf(authenticate: Authenticate, event: ApiEvent) {
  try {
    return await authenticate(event);
  } catch (error) {
    const message = error instanceof Error ? error.message : 'Authentication is required.';
    throw new GraphQLError(message, {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  }
}

/** The integration options shared by both event formats. */
function integrationOptions(options: GraphQLLambdaOptions) {
  return {
    // A middleware that answers by itself (the 413) skips the result hooks of those before it.
    middleware: [rejectLargeBody, forbidStoring],
    context: async ({
      event,
      context,
    }: {
      event: ApiEvent;
      context: Context;
    }): Promise<GraphQLContext> => ({
      deps: options.deps,
      caller: await callerOf(options.authenticate, event),
      requestId: context.awsRequestId,
    }),
  };
}

/**
 * What one API request may spend on AWS calls, retries included: a stalled dependency costs the
 * client this, plus the one read that settles an ambiguous write (`AMBIGUITY_READ_MS`), and then
 * the client gets a typed `SERVICE_UNAVAILABLE` — well inside the deployed 10 s timeout, so API
 * Gateway never answers a bare 503 of its own.
 */
export const API_CALL_BUDGET: BudgetPolicy = { capMs: 2_000, reserveMs: 1_000 };

/** Runs each invocation of `handler` within the {@link API_CALL_BUDGET}. */
function withinBudget<H extends (event: never, context: Context, callback: never) => unknown>(
  handler: H,
): H {
  return ((event: never, context: Context, callback: never) =>
    withCallBudget(budgetFor(context.getRemainingTimeInMillis(), API_CALL_BUDGET), async () =>
      handler(event, context, callback),
    )) as H;
}

/** A Lambda handler for API Gateway HTTP API (payload v2) events. */
export const createHttpApiHandler = (options: GraphQLLambdaOptions) =>
  withinBudget(
    startServerAndCreateLambdaHandler(
      createGraphQLServer(options),
      handlers.createAPIGatewayProxyEventV2RequestHandler(),
      integrationOptions(options),
    ),
  );

/** A Lambda handler for API Gateway REST API (payload v1) events. */
export const createRestApiHandler = (options: GraphQLLambdaOptions) =>
  withinBudget(
    startServerAndCreateLambdaHandler(
      createGraphQLServer(options),
      handlers.createAPIGatewayProxyEventRequestHandler(),
      integrationOptions(options),
    ),
  );
