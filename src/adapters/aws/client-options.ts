/**
 * Limits on every attempt of every SDK call. `throwOnRequestTimeout` makes the request timeout
 * abort the attempt (without it the HTTP handler only logs a warning and waits on), so that a
 * stalled connection fails and is retried; the budget of the invocation ({@link withCallBudget})
 * bounds all attempts together.
 */
export const HTTP_TIMEOUTS = {
  maxAttempts: 3,
  requestHandler: {
    connectionTimeout: 500,
    requestTimeout: 1_000,
    throwOnRequestTimeout: true,
  },
} as const;

/**
 * Settings of a client that long-polls (`ReceiveMessage` with `WaitTimeSeconds`): each attempt
 * may last the whole wait and a margin, and no more.
 */
export function longPollTimeouts(waitTimeSeconds: number) {
  return {
    ...HTTP_TIMEOUTS,
    requestHandler: {
      ...HTTP_TIMEOUTS.requestHandler,
      requestTimeout: waitTimeSeconds * 1_000 + 5_000,
    },
  } as const;
}
