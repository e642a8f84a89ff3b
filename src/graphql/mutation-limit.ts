import { GraphQLError, Kind, type SelectionSetNode, type ValidationRule } from 'graphql';

/**
 * Refuses a mutation operation that selects more than `max` mutation fields, counting aliases,
 * fragments and fields under `@skip`/`@include` alike: each placed order is stored, queued and
 * e-mailed, so that one request makes a bounded number of changes.
 */
export const mutationLimit =
  (max: number): ValidationRule =>
  (context) => {
    const countFields = (selectionSet: SelectionSetNode, seen: Set<string>): number => {
      let count = 0;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value !== '__typename') count += 1;
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          count += countFields(selection.selectionSet, seen);
        } else if (!seen.has(selection.name.value)) {
          const fragment = context.getFragment(selection.name.value);
          if (fragment)
            count += countFields(fragment.selectionSet, new Set([...seen, fragment.name.value]));
        }
      }
      return count;
    };
    return {
      OperationDefinition(node) {
        if (node.operation !== 'mutation') return;
        const count = countFields(node.selectionSet, new Set());
        if (count > max) {
          context.reportError(
            new GraphQLError(
              `Mutation limit of ${max} exceeded, found ${count}: send one mutation field per request.`,
              { nodes: node },
            ),
          );
        }
      },
    };
  };
