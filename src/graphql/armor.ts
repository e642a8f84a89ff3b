import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationRule } from 'graphql';
import { answerSizeLimit } from './answer-size.js';
import { mutationLimit } from './mutation-limit.js';
import { ORDER_ANSWER_BOUNDS } from './order-answer-bounds.js';

/**
 * Limits on what one operation may ask for. The schema's deepest useful query has depth 6. The
 * cost of an operation is the largest answer it could get, in bytes (`answer-size.ts`).
 */
export const OPERATION_LIMITS = {
  depth: 8,
  aliases: 10,
  directives: 10,
  tokens: 1000,
  answerBytes: 1_000_000,
  mutations: 1,
} as const;

/**
 * Refuses an operation whose type the schema does not define, which graphql 16 would only report
 * at execution time, without a code; and a subscription, which is served over WebSocket only.
 */
const httpOperationTypes: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === 'subscription') {
      context.reportError(
        new GraphQLError(
          'This endpoint has no subscription operations over HTTP: subscribe over WebSocket (graphql-transport-ws) at the same path.',
          { nodes: node },
        ),
      );
    } else if (context.getSchema().getRootType(node.operation) === undefined) {
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
    // Armor's cost counts a page size only when it is a literal; answerSizeLimit counts them all.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    plugins: [...plugins, answerSizeLimit(ORDER_ANSWER_BOUNDS, OPERATION_LIMITS.answerBytes)],
    /** Armor's limits alone, for operations served over WebSocket. */
    limitRules: validationRules,
    validationRules: [
      ...validationRules,
      httpOperationTypes,
      mutationLimit(OPERATION_LIMITS.mutations),
    ],
    parseOptions: { maxTokens: OPERATION_LIMITS.tokens },
  };
}
