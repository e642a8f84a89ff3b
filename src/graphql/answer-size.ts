import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isEnumType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** What bounds the answer to an operation, field by field. */
export interface AnswerBounds {
  /** Most bytes of JSON a value of each scalar takes, by scalar name (`Int`, `DateTime`). */
  readonly scalarBytes: Readonly<Record<string, number>>;
  /** Most bytes of JSON of each `String` or `ID` field, by coordinate (`Order.id`). */
  readonly fieldBytes: Readonly<Record<string, number>>;
  /** Most elements of each list field, by coordinate, unless a page size bounds it. */
  readonly listLengths: Readonly<Record<string, number>>;
  /** The argument that sets a page size, and the largest value any resolver accepts for it. */
  readonly pageSize: { readonly argument: string; readonly max: number };
}

/** Charged for a field whose size nothing declares, so that an omission shows as a refusal. */
const UNDECLARED_BYTES = 64 * 1024;

interface Walk {
  readonly schema: GraphQLSchema;
  readonly bounds: AnswerBounds;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly variables: Record<string, unknown>;
  readonly memo: Map<string, number>;
}

/**
 * The most bytes of JSON the `data` of an operation can take, whatever is stored: each field's
 * largest value, each list at its longest, a page at the size its arguments ask for (given as a
 * literal, a variable or the default). Undefined when the variables do not fit the operation,
 * which execution then refuses before any resolver runs.
 */
export function largestAnswerBytes(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown>,
  bounds: AnswerBounds,
): number | undefined {
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables);
  if (variables.errors !== undefined) return undefined;
  const root = schema.getRootType(operation.operation);
  if (root == null) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  }
  const walk = { schema, bounds, fragments, variables: variables.coerced, memo: new Map() };
  return 2 + selectionBytes(walk, root, operation.selectionSet, undefined);
}

/** Bytes of the members of one object (without its braces), each as `"key":value,`. */
function selectionBytes(
  walk: Walk,
  type: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  page: number | undefined,
): number {
  let bytes = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      const field = type.getFields()[selection.name.value];
      const value =
        selection.name.value === '__typename'
          ? longestTypeName(walk.schema) + 2
          : field === undefined
            ? 0 // an introspection field: not order data, and off in AWS
            : fieldBytes(
                walk,
                type,
                field,
                selection.selectionSet,
                pageOf(walk, field, selection, page),
              );
      bytes += key.length + 4 + value;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const on = selection.typeCondition && walk.schema.getType(selection.typeCondition.name.value);
      bytes += selectionBytes(walk, isObjectType(on) ? on : type, selection.selectionSet, page);
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      if (fragment === undefined) continue;
      const memoKey = `${name}:${page}`;
      let size = walk.memo.get(memoKey);
      if (size === undefined) {
        const on = walk.schema.getType(fragment.typeCondition.name.value);
        size = selectionBytes(walk, isObjectType(on) ? on : type, fragment.selectionSet, page);
        walk.memo.set(memoKey, size);
      }
      bytes += size;
    }
  }
  return bytes;
}

/** The page size a field asks for, if it takes one; otherwise the one it inherits. */
function pageOf(
  walk: Walk,
  field: GraphQLField<unknown, unknown>,
  node: Parameters<typeof getArgumentValues>[1],
  inherited: number | undefined,
): number | undefined {
  const { argument, max } = walk.bounds.pageSize;
  const definition = field.args.find((a) => a.name === argument);
  if (definition === undefined) return inherited;
  let value: unknown;
  try {
    value = getArgumentValues(field, node, walk.variables)[argument];
  } catch {
    return max;
  }
  const asked = typeof value === 'number' ? value : definition.defaultValue;
  // Resolvers refuse page sizes out of range before reading anything.
  return typeof asked === 'number' ? Math.min(Math.max(asked, 0), max) : max;
}

function fieldBytes(
  walk: Walk,
  parent: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  selectionSet: SelectionSetNode | undefined,
  page: number | undefined,
): number {
  const coordinate = `${parent.name}.${field.name}`;
  const valueBytes = (type: GraphQLOutputType): number => {
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      const length = walk.bounds.listLengths[coordinate] ?? page ?? walk.bounds.pageSize.max;
      return 2 + length * (valueBytes(nullable.ofType) + 1);
    }
    if (isObjectType(nullable)) {
      return 2 + (selectionSet ? selectionBytes(walk, nullable, selectionSet, page) : 0);
    }
    return leafBytes(walk.bounds, coordinate, nullable);
  };
  return valueBytes(field.type);
}

function leafBytes(bounds: AnswerBounds, coordinate: string, type: GraphQLOutputType): number {
  const named = getNamedType(type);
  if (isEnumType(named)) return 2 + Math.max(...named.getValues().map((v) => v.name.length));
  if (!isLeafType(named)) return UNDECLARED_BYTES;
  return bounds.fieldBytes[coordinate] ?? bounds.scalarBytes[named.name] ?? UNDECLARED_BYTES;
}

const typeNameLengths = new WeakMap<GraphQLSchema, number>();
function longestTypeName(schema: GraphQLSchema): number {
  let longest = typeNameLengths.get(schema);
  if (longest === undefined) {
    longest = Math.max(...Object.keys(schema.getTypeMap()).map((name) => name.length));
    typeNameLengths.set(schema, longest);
  }
  return longest;
}

/**
 * Refuses, before anything executes, an operation whose answer could take more than `maxBytes`
 * bytes of JSON, with the same code and status as the other operation limits.
 */
export function answerSizeLimit(bounds: AnswerBounds, maxBytes: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (operation === undefined) return;
          const bytes = largestAnswerBytes(
            schema,
            document,
            operation,
            request.variables ?? {},
            bounds,
          );
          if (bytes === undefined || bytes <= maxBytes) return;
          throw new GraphQLError(
            `Answer size limit of ${maxBytes} bytes exceeded: this operation could answer with up to ${bytes} bytes. Ask for fewer orders or fewer fields.`,
            { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } },
          );
        },
      };
    },
  };
}
