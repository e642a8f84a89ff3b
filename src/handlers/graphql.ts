import type { Context } from 'aws-lambda';
import { createAwsClients } from '../adapters/aws/clients.js';
import { createOrderDependencies } from '../adapters/aws/order-dependencies.js';
import {
  createRealtimeDependencies,
  withPublishing,
} from '../adapters/aws/realtime-dependencies.js';
import { parseConfig, parseRealtimeConfig } from '../config.js';
import { createAuthenticator } from '../graphql/authentication.js';
import { createHttpApiHandler, createRestApiHandler } from '../graphql/lambda-handler.js';
import { orderSchema } from '../graphql/order-schema.js';
import { countGraphqlError } from '../observability/metrics.js';
import { observeOrderDependencies } from '../observability/observed-dependencies.js';
import { reportPublishFailure } from '../observability/publish-failures.js';
import { createTelemetry } from '../observability/telemetry.js';
import { withObservability } from '../observability/with-observability.js';

const config = parseConfig();
const realtimeConfig = parseRealtimeConfig();
const telemetry = createTelemetry();
const clients = createAwsClients(config.region);
const stored = createOrderDependencies(clients, config);
const options = {
  deps: observeOrderDependencies(
    realtimeConfig
      ? withPublishing(
          stored,
          createRealtimeDependencies(clients.dynamo, config.region, realtimeConfig, orderSchema)
            .publish,
          reportPublishFailure(telemetry),
        )
      : stored,
    telemetry,
  ),
  authenticate: createAuthenticator(config.auth),
  introspection: config.introspection,
  sandbox: config.sandbox,
  logger: telemetry.logger,
  countErrorCode: (code: string) => countGraphqlError(telemetry.metrics, code),
};

/** API Gateway HTTP API (payload v2) entry point. */
export const handler = withObservability(createHttpApiHandler(options), telemetry);

let restHandler: ReturnType<typeof createRestApiHandler> | undefined;

/** API Gateway REST API (payload v1) entry point; its server is built on first use. */
export const restApiHandler: typeof restHandler & {} = withObservability(
  (event, context: Context) => {
    restHandler ??= createRestApiHandler(options);
    return restHandler(event, context, () => undefined);
  },
  telemetry,
);
