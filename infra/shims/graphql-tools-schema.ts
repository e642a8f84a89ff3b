/**
 * Stands in for `@graphql-tools/schema` in Lambda bundles. Apollo imports it to build a schema
 * from `typeDefs` and `resolvers`; the order API hands Apollo a built `schema` instead
 * (src/graphql/executable-schema.ts), so the package and the two it pulls in (@graphql-tools/merge
 * and /utils, about 64 KB minified) would be compiled at every cold start and never run.
 */
export function makeExecutableSchema(): never {
  throw new Error('This bundle has no @graphql-tools/schema: pass ApolloServer a built `schema`');
}
