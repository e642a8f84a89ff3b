import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { createArmor } from './armor.js';
import type { GraphQLContext } from './context.js';
import { type CountErrorCode, errorCodePlugin } from './error-codes.js';
import { createFormatError, type ErrorLogger } from './errors.js';
import { orderSchema } from './order-schema.js';

export interface GraphQLServerOptions {
  /** Whether the schema may be introspected. @default false */
  readonly introspection?: boolean;
  /** Whether GET with an HTML `accept` serves the Apollo Sandbox landing page. @default false */
  readonly sandbox?: boolean;
  /** Where unexpected errors are logged. */
  readonly logger: ErrorLogger;
  /**
   * Called with the `extensions.code` of every error sent to a client.
   * @default - errors are not counted
   */
  readonly countErrorCode?: CountErrorCode;
}

export { orderSchema };

/** The Apollo Server for the order API, configured explicitly rather than through NODE_ENV. */
export function createGraphQLServer(options: GraphQLServerOptions): ApolloServer<GraphQLContext> {
  const introspection = options.introspection ?? false;
  const armor = createArmor();
  return new ApolloServer<GraphQLContext>({
    schema: orderSchema(),
    introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    formatError: createFormatError(options.logger, { hideSuggestions: !introspection }),
    validationRules: armor.validationRules,
    parseOptions: armor.parseOptions,
    plugins: [
      ...armor.plugins,
      ...(options.countErrorCode ? [errorCodePlugin(options.countErrorCode)] : []),
      // The API reports nothing to Apollo GraphOS and is no federated subgraph; saying so keeps
      // Apollo from importing these plugins and their protobuf (the Lambda bundle leaves them out).
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      // No type carries cache hints, and the Lambda handler marks every answer `no-store` itself;
      // without this Apollo runs a cache-hint hook around every field it resolves.
      ApolloServerPluginCacheControlDisabled(),
      options.sandbox
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
}
