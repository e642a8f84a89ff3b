import { ApolloArmor } from '@escape.tech/graphql-armor';

/** Limits on what one operation may ask for; the schema's deepest useful query has depth 6. */
export const OPERATION_LIMITS = {
  depth: 8,
  aliases: 10,
  directives: 10,
  tokens: 1000,
  cost: 5000,
} as const;

/**
 * Validation rules and plugins that refuse abusive operations (deep nesting, alias and
 * directive floods, huge documents, costly selections) before they execute, and hide
 * "did you mean" field suggestions unless the schema is meant to be explored.
 */
export function createArmor(options: { readonly suggestions: boolean }) {
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: { n: OPERATION_LIMITS.depth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: OPERATION_LIMITS.aliases },
    maxDirectives: { n: OPERATION_LIMITS.directives },
    maxTokens: { n: OPERATION_LIMITS.tokens },
    costLimit: { maxCost: OPERATION_LIMITS.cost, ignoreIntrospection: true },
    blockFieldSuggestion: { enabled: !options.suggestions },
  }).protect();
  return { plugins, validationRules };
}
