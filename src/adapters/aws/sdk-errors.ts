import { ServiceUnavailableError } from '../../domain/errors.js';

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
  if (e.$fault === 'server' || e.$retryable?.throttling) return true;
  if (
    e.name !== undefined &&
    /Throttl|TooManyRequests|RequestLimitExceeded|ProvisionedThroughputExceeded/.test(e.name)
  ) {
    return true;
  }
  // No HTTP answer: transient only when the network failed, not when the request could not be made.
  if (e.$metadata?.httpStatusCode !== undefined) return false;
  return NETWORK_FAILURES.has(e.name ?? '') || NETWORK_FAILURES.has(e.code ?? '');
}

const NETWORK_FAILURES = new Set([
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

/** Runs an SDK call, turning a transient failure into a retryable domain error. */
export async function callService<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isTransient(error))
      throw new ServiceUnavailableError(`${what} is unavailable; retry the request.`, {
        cause: error,
      });
    throw error;
  }
}
