import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';

/** The service name every Lambda of the order API logs and measures under unless told otherwise. */
export const DEFAULT_SERVICE_NAME = 'order-api';

/**
 * Powertools' log line without what repeats on every line of a function's log group: the
 * function's name, ARN and memory size (the log group and stream name them) and the debug
 * sampling rate. The request id, the cold-start flag and the trace id stay, to correlate.
 */
export class CompactLogFormatter extends LogFormatter {
  override formatAttributes(
    attributes: UnformattedAttributes,
    additionalLogAttributes: LogAttributes,
  ): LogItem {
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: attributes.lambdaContext?.coldStart,
        function_request_id: attributes.lambdaContext?.awsRequestId,
        xray_trace_id: attributes.xRayTraceId,
      },
    }).addAttributes(additionalLogAttributes);
  }
}

export interface CreateLoggerOptions {
  /** Shown as `service` on every log line. @default `POWERTOOLS_SERVICE_NAME`, else `order-api` */
  readonly serviceName?: string;
}

/**
 * A Powertools Logger writing one JSON object per line ({@link CompactLogFormatter}). Its level comes from
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
    logFormatter: new CompactLogFormatter(),
  });
}
