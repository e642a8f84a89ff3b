import {
  buildASTSchema,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLScalarType,
  type GraphQLSchema,
  isObjectType,
  isScalarType,
} from 'graphql';

// `never[]` parameters accept resolvers typed for any parent, arguments and context.
type ResolverFunction = (...args: never[]) => unknown;
// Subscription fields (served over WebSocket) may come as `{ subscribe, resolve? }`.
type FieldResolver = ResolverFunction | { readonly resolve?: ResolverFunction };

/** Field resolvers by field name, or a scalar's implementation, for one type of the schema. */
type TypeResolvers = GraphQLScalarType | Readonly<Record<string, FieldResolver>>;

/**
 * Builds the schema from its parsed SDL with graphql-js alone and sets the resolvers on it in
 * place. This is what Apollo's `typeDefs` + `resolvers` do through `@graphql-tools/schema`,
 * without its type-def merging, SDL re-validation and whole-schema copy, which (with the 64 KB of
 * modules it loads) took about a sixth of a cold start. Neither the SDL nor the schema is
 * validated here (Apollo and graphql-js would otherwise validate the schema at start): both are
 * validated where they are written, by `npm run codegen` and by the schema test. Unknown types or
 * fields throw, so a resolver can never silently go unused; so do enum value maps and
 * `__resolveType`, which this schema does not need.
 */
export function buildExecutableSchema(
  document: DocumentNode,
  resolvers: Readonly<Record<string, TypeResolvers>>,
): GraphQLSchema {
  const schema = buildASTSchema(document, { assumeValidSDL: true, assumeValid: true });
  for (const [typeName, implementation] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (isScalarType(type)) {
      const scalar = implementation as GraphQLScalarType;
      // graphql-js exposes these as read-only, but a scalar built from SDL is only a name until
      // its implementation is set; this is what @graphql-tools does with `updateResolversInPlace`.
      Object.assign(type, {
        serialize: scalar.serialize,
        parseValue: scalar.parseValue,
        parseLiteral: scalar.parseLiteral,
        specifiedByURL: type.specifiedByURL ?? scalar.specifiedByURL,
        extensions: { ...scalar.extensions, ...type.extensions },
      });
    } else if (isObjectType(type)) {
      const fields = type.getFields();
      for (const [fieldName, resolver] of Object.entries(implementation)) {
        const field = fields[fieldName];
        if (!field) throw new Error(`Resolver for unknown field ${typeName}.${fieldName}`);
        field.resolve = (typeof resolver === 'function' ? resolver : resolver.resolve) as
          | GraphQLFieldResolver<unknown, unknown>
          | undefined;
      }
    } else {
      throw new Error(`Resolvers for ${typeName}, which is no object type or scalar of the schema`);
    }
  }
  return schema;
}
