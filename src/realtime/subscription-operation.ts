import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  specifiedRules,
  type ValidationRule,
  validate,
} from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import type { Order } from '../domain/order.js';
import { SUBSCRIPTION_FIELDS, type SubscriptionField } from './ports.js';

/** A subscription operation that passed parsing, validation and the limits. */
export interface PreparedSubscription {
  readonly document: DocumentNode;
  readonly field: SubscriptionField;
  /** The root field's arguments, coerced. */
  readonly args: Readonly<Record<string, unknown>>;
  readonly operationName?: string;
  readonly variables?: Readonly<Record<string, unknown>>;
}

export interface OperationRules {
  readonly schema: GraphQLSchema;
  /** The same limits as HTTP operations (depth, aliases, directives, cost). */
  readonly limitRules: readonly ValidationRule[];
  readonly maxTokens: number;
  /** The largest answer (bytes of JSON) the operation could get; undefined for bad variables. */
  readonly answerBytes: (
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown>,
  ) => number | undefined;
  /** Most bytes one event may take: API Gateway posts at most 128 KB per message. */
  readonly maxAnswerBytes: number;
}

const withCode = (error: GraphQLError, code: string) =>
  new GraphQLError(error.message, {
    ...(error.nodes && { nodes: error.nodes }),
    extensions: { code },
  });

function rootField(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): FieldNode | undefined {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) return selection;
    const inner =
      selection.kind === Kind.INLINE_FRAGMENT
        ? selection.selectionSet
        : fragments.get(selection.name.value)?.selectionSet;
    const found = inner && rootField(inner, fragments);
    if (found) return found;
  }
  return undefined;
}

/**
 * Parses and validates a `subscribe` message's operation once, with graphql's rules and the
 * API's limits; only subscriptions are served over WebSocket. Returns the errors to send back,
 * each with `extensions.code`, when the operation is refused.
 */
export function prepareSubscription(
  rules: OperationRules,
  payload: SubscribePayload,
): PreparedSubscription | { readonly errors: readonly GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(payload.query, { maxTokens: rules.maxTokens, noLocation: true });
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [withCode(error, 'GRAPHQL_PARSE_FAILED')] };
    throw error;
  }
  const invalid = validate(rules.schema, document, [...specifiedRules, ...rules.limitRules]);
  if (invalid.length > 0)
    return { errors: invalid.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED')) };
  const operation = getOperationAST(document, payload.operationName ?? undefined);
  if (!operation)
    return {
      errors: [
        new GraphQLError('The document names no operation to run; give operationName.', {
          extensions: { code: 'OPERATION_RESOLUTION_FAILURE' },
        }),
      ],
    };
  if (operation.operation !== 'subscription')
    return {
      errors: [
        new GraphQLError(
          `Only subscriptions are served over WebSocket; send a ${operation.operation} over HTTP.`,
          { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
        ),
      ],
    };
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const fieldNode = rootField(operation.selectionSet, fragments);
  const subscriptionType = rules.schema.getSubscriptionType();
  const fieldDef = fieldNode && subscriptionType?.getFields()[fieldNode.name.value];
  const field = fieldNode?.name.value as SubscriptionField | undefined;
  if (!fieldNode || !fieldDef || !field || !SUBSCRIPTION_FIELDS.includes(field))
    return {
      errors: [
        new GraphQLError('The subscription selects no field.', {
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        }),
      ],
    };
  const bytes = rules.answerBytes(document, operation, { ...payload.variables });
  if (bytes !== undefined && bytes > rules.maxAnswerBytes)
    return {
      errors: [
        new GraphQLError(
          `Answer size limit of ${rules.maxAnswerBytes} bytes exceeded: each event could take up to ${bytes} bytes. Ask for fewer fields.`,
          { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
        ),
      ],
    };
  const coerced = getVariableValues(
    rules.schema,
    operation.variableDefinitions ?? [],
    payload.variables ?? {},
  );
  if (coerced.errors) return { errors: coerced.errors.map((e) => withCode(e, 'BAD_USER_INPUT')) };
  return {
    document,
    field,
    args: getArgumentValues(fieldDef, fieldNode, coerced.coerced),
    ...(payload.operationName && { operationName: payload.operationName }),
    ...(payload.variables && { variables: payload.variables }),
  };
}

/** The `next` payload of a subscription for one order state: its selection set run on the order. */
export async function renderEvent(
  schema: GraphQLSchema,
  subscription: Pick<PreparedSubscription, 'document' | 'field' | 'operationName' | 'variables'>,
  order: Order,
): Promise<ExecutionResult> {
  return execute({
    schema,
    document: subscription.document,
    rootValue: { [subscription.field]: order },
    ...(subscription.operationName && { operationName: subscription.operationName }),
    ...(subscription.variables && { variableValues: subscription.variables }),
  });
}
