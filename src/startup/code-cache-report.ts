import type { CodeCacheInfo } from './package-files.js';

/** The metric counting cold starts whose code cache V8 refused. */
export const CODE_CACHE_REJECTED = 'CodeCacheRejected';

/** The log record, in CloudWatch embedded metric format, that {@link reportRejectedCodeCache} writes. */
export function rejectedCodeCacheRecord(
  info: Buffer | undefined,
  env: Readonly<Record<string, string | undefined>>,
  now: number = Date.now(),
) {
  let madeFor: CodeCacheInfo | string;
  try {
    madeFor = info ? (JSON.parse(info.toString('utf8')) as CodeCacheInfo) : 'unknown';
  } catch {
    madeFor = 'unreadable';
  }
  return {
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [
        {
          Namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? 'OrderProcessing',
          Dimensions: [['service']],
          Metrics: [{ Name: CODE_CACHE_REJECTED, Unit: 'Count' }],
        },
      ],
    },
    level: 'WARN',
    message:
      'V8 rejected the code cache; the code was compiled from source (a slower cold start). Rebuild the package with the Node.js version and V8 flags this function runs with.',
    service: env.POWERTOOLS_SERVICE_NAME ?? 'order-api',
    [CODE_CACHE_REJECTED]: 1,
    codeCache: {
      madeFor,
      runningOn: {
        node: process.version,
        v8: process.versions.v8,
        arch: process.arch,
        v8Flags: process.execArgv,
      },
    },
  };
}

/**
 * Logs a rejected code cache once per cold start, as one JSON line that CloudWatch also reads as
 * the metric `CodeCacheRejected` (embedded metric format; Logger and Metrics are not loaded yet).
 */
export function reportRejectedCodeCache(
  info: Buffer | undefined,
  env: Readonly<Record<string, string | undefined>>,
): void {
  process.stdout.write(`${JSON.stringify(rejectedCodeCacheRecord(info, env))}\n`);
}
