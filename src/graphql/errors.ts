import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { OrderError } from '../domain/errors.js';

export interface ErrorLogger {
  error(message: string, details: Record<string, unknown>): void;
  /** Where failures a client may retry are noted, with their cause. @default not noted */
  warn?(message: string, details: Record<string, unknown>): void;
}

export interface FormatErrorOptions {
  /**
   * Whether to remove graphql's "Did you mean …?" hints, which reveal parts of a schema that is
   * not meant to be explored. @default true
   */
  readonly hideSuggestions?: boolean;
}

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/**
 * Shapes every error a client sees: domain errors keep their message and gain `code`, `field`
 * and `retryable`; GraphQL's own request errors pass through (without "did you mean" hints unless
 * asked); anything else is logged and masked.
 */
export function createFormatError(logger: ErrorLogger, options: FormatErrorOptions = {}) {
  const hideSuggestions = options.hideSuggestions ?? true;
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof OrderError) {
      if (original.retryable) {
        logger.warn?.('A dependency failed; the client was told to retry', {
          error: original.message,
          cause: original.cause,
          path: formatted.path,
        });
      }
      return {
        message: original.message,
        ...(formatted.locations && { locations: formatted.locations }),
        ...(formatted.path && { path: formatted.path }),
        extensions: {
          code: original.code,
          ...(original.field !== undefined && { field: original.field }),
          ...(original.retryable && { retryable: true }),
        },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR' && original === error) {
      return {
        message: hideSuggestions ? formatted.message.replace(SUGGESTION, '') : formatted.message,
        ...(formatted.locations && { locations: formatted.locations }),
        extensions: { code },
      };
    }
    logger.error('Unexpected error while handling a GraphQL request', {
      error: original,
      path: formatted.path,
    });
    return {
      message: 'Internal server error',
      ...(formatted.path && { path: formatted.path }),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
