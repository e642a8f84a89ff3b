import type { GraphQLSchema } from 'graphql';
import { buildExecutableSchema } from './executable-schema.js';
import { schemaDocument } from './generated/schema-document.js';
import { resolvers } from './resolvers.js';

let builtSchema: GraphQLSchema | undefined;

/**
 * The order API's schema with its resolvers, built once per process; without Apollo, so that
 * functions that only publish subscription events do not load it.
 */
export function orderSchema(): GraphQLSchema {
  builtSchema ??= buildExecutableSchema(schemaDocument, resolvers);
  return builtSchema;
}
