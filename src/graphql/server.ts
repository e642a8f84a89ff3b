import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { createArmor } from './armor.js';
import type { GraphQLContext } from './context.js';
import { createFormatError, type ErrorLogger } from './errors.js';
import { resolvers } from './resolvers.js';
import { typeDefs } from './schema.js';

export interface GraphQLServerOptions {
  /** Whether the schema may be introspected. @default false */
  readonly introspection?: boolean;
  /** Whether GET with an HTML `accept` serves the Apollo Sandbox landing page. @default false */
  readonly sandbox?: boolean;
  /** Where unexpected errors are logged. */
  readonly logger: ErrorLogger;
}

/** The Apollo Server for the order API, configured explicitly rather than through NODE_ENV. */
export function createGraphQLServer(options: GraphQLServerOptions): ApolloServer<GraphQLContext> {
  const armor = createArmor({ suggestions: options.introspection ?? false });
  return new ApolloServer<GraphQLContext>({
    typeDefs,
    resolvers,
    introspection: options.introspection ?? false,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    formatError: createFormatError(options.logger),
    validationRules: armor.validationRules,
    parseOptions: armor.parseOptions,
    plugins: [
      ...armor.plugins,
      // The API reports nothing to Apollo GraphOS and is no federated subgraph; saying so keeps
      // Apollo from importing these plugins and their protobuf (the Lambda bundle leaves them out).
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      options.sandbox
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
}
