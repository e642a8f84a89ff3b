/**
 * AWS list prices the cost command uses: US East (N. Virginia), on-demand, no free tier, as
 * published by AWS in January 2025 and not re-checked against the live pricing pages since (none
 * is reachable from the machines this runs on). Update the figures and the date together.
 */
export const PRICES = {
  asOf: '2025-01',
  region: 'us-east-1',
  dynamodb: {
    /** On-demand, per write request unit (1 KB). */
    writeUnit: 0.625 / 1e6,
    /** On-demand, per read request unit (4 KB strongly consistent, 8 KB eventually). */
    readUnit: 0.125 / 1e6,
  },
  lambda: {
    request: 0.2 / 1e6,
    /** Per GB-second, billed per millisecond, by architecture. */
    gbSecond: { arm64: 0.0000133334, x86_64: 0.0000166667 },
  },
  /** HTTP API, per request (first 300 million a month; each 512 KB counts as one). */
  httpApiRequest: 1.0 / 1e6,
  /** API Gateway WebSocket API (first billion messages a month). */
  websocket: {
    /** Per message sent or received (each 32 KB counts as one). */
    message: 1.0 / 1e6,
    connectionMinute: 0.25 / 1e6,
  },
  /** SQS FIFO, per request (each 64 KB of payload counts as one). */
  sqsFifoRequest: 0.5 / 1e6,
  sns: {
    /** Per publish (each 64 KB counts as one). */
    publish: 0.5 / 1e6,
    /** Per e-mail delivered. */
    email: 2.0 / 1e5,
  },
  /** CloudWatch Logs, standard class, per byte ingested. */
  logIngestedByte: 0.5 / 2 ** 30,
  /** X-Ray, per trace recorded. */
  xrayTrace: 5.0 / 1e6,
} as const;

/**
 * X-Ray's default sampling rule, which Lambda's active tracing applies: the first request each
 * second, then 5 % of the rest.
 */
export const XRAY_DEFAULT_SAMPLING = { reservoirPerSecond: 1, rate: 0.05 } as const;

/** The share of invocations traced at `invocationsPerSecond` under the default rule. */
export function sampledShare(invocationsPerSecond: number): number {
  if (invocationsPerSecond <= XRAY_DEFAULT_SAMPLING.reservoirPerSecond) return 1;
  const rest = invocationsPerSecond - XRAY_DEFAULT_SAMPLING.reservoirPerSecond;
  return (
    (XRAY_DEFAULT_SAMPLING.reservoirPerSecond + rest * XRAY_DEFAULT_SAMPLING.rate) /
    invocationsPerSecond
  );
}
