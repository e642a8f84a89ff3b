import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { createAwsClients } from '../adapters/aws/clients.js';
import { createOrderDependencies } from '../adapters/aws/order-dependencies.js';
import { parseConfig } from '../config.js';
import { createAuthenticator } from '../graphql/authentication.js';
import { createHttpApiHandler, createRestApiHandler } from '../graphql/lambda-handler.js';

const config = parseConfig();
const logger = new Logger({ serviceName: 'order-api' });
const options = {
  deps: createOrderDependencies(createAwsClients(config.region), config),
  authenticate: await createAuthenticator(config.auth),
  introspection: config.introspection,
  sandbox: config.sandbox,
  logger,
};

/** API Gateway HTTP API (payload v2) entry point. */
export const handler = createHttpApiHandler(options);

let restHandler: ReturnType<typeof createRestApiHandler> | undefined;

/** API Gateway REST API (payload v1) entry point; its server is built on first use. */
export const restApiHandler: typeof restHandler & {} = (event, context: Context, callback) => {
  restHandler ??= createRestApiHandler(options);
  return restHandler(event, context, callback);
};
