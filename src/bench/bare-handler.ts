// The GraphQL Lambda composed without Logger and Metrics: bundled by the bench only, to put a
// figure on what observability adds to a cold start.
import { createAwsClients } from '../adapters/aws/clients.js';
import { createOrderDependencies } from '../adapters/aws/order-dependencies.js';
import { parseConfig } from '../config.js';
import { createAuthenticator } from '../graphql/authentication.js';
import { createHttpApiHandler } from '../graphql/lambda-handler.js';

const config = parseConfig();

/** API Gateway HTTP API (payload v2) entry point, without observability. */
export const handler = createHttpApiHandler({
  deps: createOrderDependencies(createAwsClients(config.region), config),
  authenticate: createAuthenticator(config.auth),
  introspection: config.introspection,
  sandbox: config.sandbox,
  logger: { error: (message, details) => console.error(message, details) },
});
