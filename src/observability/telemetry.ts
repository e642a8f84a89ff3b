import { createLogger, DEFAULT_SERVICE_NAME } from './logger.js';
import { createMetrics } from './metrics.js';
import type { Telemetry } from './observed-dependencies.js';

/**
 * The Logger and Metrics of one function, both under its service name: `POWERTOOLS_SERVICE_NAME`
 * when set (the stack sets it), otherwise `defaultServiceName`.
 */
export function createTelemetry(
  defaultServiceName: string = DEFAULT_SERVICE_NAME,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Telemetry {
  const serviceName = env.POWERTOOLS_SERVICE_NAME ?? defaultServiceName;
  return {
    logger: createLogger({ serviceName }, env),
    metrics: createMetrics({ serviceName }, env),
  };
}
