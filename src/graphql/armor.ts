import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationRule } from 'graphql';

/**
 * Limits on what one operation may ask for. The schema's deepest useful query has depth 6; the
 * cost limit admits a full page (100) of orders with every field, which costs about 13 000.
 */
export const OPERATION_LIMITS = {
  depth: 8,
  aliases: 10,
  directives: 10,
  tokens: 1000,
  cost: 15_000,
} as const;

/**
 * Refuses an operation whose type the schema does not define (a subscription here), which
 * graphql 16 would only report at execution time, without a code.
 */
const knownOperationTypes: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (context.getSchema().getRootType(node.operation) === undefined) {
      context.reportError(
        new GraphQLError(`The schema has no ${node.operation} operations.`, { nodes: node }),
      );
    }
  },
});

/**
 * Validation rules, plugins and parse options that refuse abusive operations (deep nesting,
 * alias and directive floods, huge documents, costly selections) before they execute. Armor's
 * own suggestion filter stays off: it misses hints on enum values and input fields, so
 * `createFormatError` removes them all instead. The token limit is
 * graphql's own parse option: armor's token plugin re-parses in a plugin hook, which turns every
 * syntax error into an HTTP 500.
 */
export function createArmor() {
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: { n: OPERATION_LIMITS.depth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: OPERATION_LIMITS.aliases },
    maxDirectives: { n: OPERATION_LIMITS.directives },
    maxTokens: { enabled: false },
    costLimit: { maxCost: OPERATION_LIMITS.cost, ignoreIntrospection: true },
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    plugins,
    validationRules: [...validationRules, knownOperationTypes],
    parseOptions: { maxTokens: OPERATION_LIMITS.tokens },
  };
}
