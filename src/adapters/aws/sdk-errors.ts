import { ServiceUnavailableError } from '../../domain/errors.js';
import { callOptions } from './call-budget.js';

interface SdkErrorShape {
  name?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number };
}

/**
 * Whether an AWS SDK failure is the service's or the network's and not the request's: a server
 * fault, throttling, or a network failure with no HTTP response (timeout, connection refused or
 * reset).
 */
export function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as SdkErrorShape;
  if (e.$fault === 'server' || isThrottling(e)) return true;
  // No HTTP answer: transient only when the network failed, not when the request could not be made.
  if (e.$metadata?.httpStatusCode !== undefined) return false;
  return NETWORK_FAILURES.has(e.name ?? '') || NETWORK_FAILURES.has(e.code ?? '');
}

const isThrottling = (e: SdkErrorShape) =>
  e.$retryable?.throttling === true ||
  (e.name !== undefined &&
    /Throttl|TooManyRequests|RequestLimitExceeded|ProvisionedThroughputExceeded/.test(e.name));

/**
 * Whether a failed call may still have been carried out: no answer came (timeout, reset, the
 * budget ran out) or the service failed while it handled it (5xx). Throttling and other refusals
 * say the call was not carried out.
 */
export function isAmbiguous(error: unknown): boolean {
  if (error instanceof ServiceUnavailableError) return isAmbiguous(error.cause);
  if (!isTransient(error)) return false;
  return !isThrottling(error as SdkErrorShape);
}

const NETWORK_FAILURES = new Set([
  // The invocation's budget ran out (see call-budget.ts) while the call was in flight or waiting.
  'AbortError',
  'TimeoutError',
  'RequestTimeout',
  'NetworkingError',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** What {@link callService} gives each call to pass to `client.send`. */
export type CallOptions = ReturnType<typeof callOptions>;

/**
 * Runs an SDK call within the current budget (the call is given the options that abort it when
 * the budget ends), turning a transient failure into a retryable domain error.
 */
export async function callService<T>(
  what: string,
  call: (options: CallOptions) => Promise<T>,
): Promise<T> {
  try {
    return await call(callOptions());
  } catch (error) {
    if (isTransient(error))
      throw new ServiceUnavailableError(`${what} is unavailable; retry the request.`, {
        cause: error,
      });
    throw error;
  }
}
