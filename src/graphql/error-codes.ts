import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLContext } from './context.js';

/** Receives the `extensions.code` of one error a client was sent. */
export type CountErrorCode = (code: string) => void;

const codeOf = (error: { extensions?: Record<string, unknown> }): string => {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
};

/**
 * Counts every error an answer carries by its `extensions.code`, as the client sees it (after
 * `formatError`), including a failed authentication. Resolver failures are answered with HTTP
 * 200, so neither the function's errors nor the API's 5xx see them; this count does.
 */
export function errorCodePlugin(count: CountErrorCode): ApolloServerPlugin<GraphQLContext> {
  return {
    async contextCreationDidFail({ error }) {
      count(codeOf(error as { extensions?: Record<string, unknown> }));
    },
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) count(codeOf(error));
        },
      };
    },
  };
}
