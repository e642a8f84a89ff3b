import { handlers, startServerAndCreateLambdaHandler } from '@as-integrations/aws-lambda';
import type { OrderDependencies } from '../use-cases/dependencies.js';
import type { GraphQLContext } from './context.js';
import { createGraphQLServer, type GraphQLServerOptions } from './server.js';

export interface GraphQLLambdaOptions extends GraphQLServerOptions {
  readonly deps: OrderDependencies;
}

/** A Lambda handler for API Gateway HTTP API (payload v2) events. */
export function createHttpApiHandler(options: GraphQLLambdaOptions) {
  return startServerAndCreateLambdaHandler(
    createGraphQLServer(options),
    handlers.createAPIGatewayProxyEventV2RequestHandler(),
    {
      context: async ({ context }): Promise<GraphQLContext> => ({
        deps: options.deps,
        requestId: context.awsRequestId,
      }),
    },
  );
}

/** A Lambda handler for API Gateway REST API (payload v1) events. */
export function createRestApiHandler(options: GraphQLLambdaOptions) {
  return startServerAndCreateLambdaHandler(
    createGraphQLServer(options),
    handlers.createAPIGatewayProxyEventRequestHandler(),
    {
      context: async ({ context }): Promise<GraphQLContext> => ({
        deps: options.deps,
        requestId: context.awsRequestId,
      }),
    },
  );
}
