/**
 * Time limits for every SDK call, so that a stalled connection fails (and is retried by the SDK)
 * well within the functions' timeouts instead of hanging until Lambda stops the invocation.
 */
export const HTTP_TIMEOUTS = {
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
} as const;
