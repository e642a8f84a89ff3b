import { Logger } from '@aws-lambda-powertools/logger';

/** The service name every Lambda of the order API logs and measures under unless told otherwise. */
export const DEFAULT_SERVICE_NAME = 'order-api';

export interface CreateLoggerOptions {
  /** Shown as `service` on every log line. @default `POWERTOOLS_SERVICE_NAME`, else `order-api` */
  readonly serviceName?: string;
}

/**
 * A Powertools Logger writing one JSON object per line. Its level comes from
 * `POWERTOOLS_LOG_LEVEL` (Powertools' default: INFO). Call `logger.addContext(context)` per
 * invocation (or wrap the handler with `withObservability`) to add the request id and the
 * cold-start flag.
 */
export function createLogger(
  options: CreateLoggerOptions = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): Logger {
  return new Logger({
    serviceName: options.serviceName ?? env.POWERTOOLS_SERVICE_NAME ?? DEFAULT_SERVICE_NAME,
  });
}
