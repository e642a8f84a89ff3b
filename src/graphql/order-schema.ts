import type { GraphQLSchema } from 'graphql';
import { buildExecutableSchema } from './executable-schema.js';
import { resolvers } from './resolvers.js';
import { typeDefs } from './schema.js';

let builtSchema: GraphQLSchema | undefined;

/**
 * The order API's schema with its resolvers, built once per process; without Apollo, so that
 * functions that only publish subscription events do not load it.
 */
export function orderSchema(): GraphQLSchema {
  builtSchema ??= buildExecutableSchema(typeDefs, resolvers);
  return builtSchema;
}
