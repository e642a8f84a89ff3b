import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../bench/events.js';
import { CompactLogFormatter } from './logger.js';
import { createMetrics, MetricUnit, OrderMetric } from './metrics.js';
import { withObservability } from './with-observability.js';

function telemetry() {
  return {
    logger: new Logger({ serviceName: 'order-api', logLevel: 'SILENT' }),
    metrics: createMetrics({}, {}),
  };
}

/** What the metrics flush writes, instead of the test run's output. */
function captureStdout() {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
}

describe('withObservability', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('flushes the metrics of the invocation when the handler answers', async () => {
    const t = telemetry();
    const handler = withObservability(async (event: number) => {
      t.metrics.addMetric(OrderMetric.OrdersPlaced, MetricUnit.Count, 1);
      return event + 1;
    }, t);

    const written = captureStdout();
    const result = await handler(1, lambdaContext('request-1'), () => {});

    expect(result).toBe(2);
    expect(t.metrics.hasStoredMetrics()).toBe(false);
    expect(written.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ [OrderMetric.OrdersPlaced]: 1 }),
    ]);
  });

  it('flushes the metrics and rethrows when the handler throws', async () => {
    const t = telemetry();
    const failure = new Error('boom');
    const handler = withObservability(async () => {
      t.metrics.addMetric(OrderMetric.DispatchFailures, MetricUnit.Count, 1);
      throw failure;
    }, t);

    const written = captureStdout();
    await expect(handler(undefined, lambdaContext(), () => {})).rejects.toBe(failure);
    expect(t.metrics.hasStoredMetrics()).toBe(false);
    expect(written.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ [OrderMetric.DispatchFailures]: 1 }),
    ]);
  });

  it('tags log lines with the request id and cold start and forgets the order id when called again', async () => {
    // Lambda sets this; Powertools reports cold starts only for on-demand environments.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const t = {
      ...telemetry(),
      logger: new Logger({
        serviceName: 'order-api',
        logLevel: 'INFO',
        logFormatter: new CompactLogFormatter(),
      }),
    };
    vi.unstubAllEnvs();
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const handler = withObservability(async (orderId: string | undefined) => {
      if (orderId) t.logger.appendKeys({ orderId });
      t.logger.info('handled');
    }, t);

    try {
      await handler('order-1', lambdaContext('request-1'), () => {});
      await handler(undefined, lambdaContext('request-2'), () => {});
    } finally {
      write.mockRestore();
    }

    const logs = lines
      .filter((l) => l.includes('"handled"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs).toEqual([
      expect.objectContaining({
        function_request_id: 'request-1',
        cold_start: true,
        orderId: 'order-1',
        service: 'order-api',
      }),
      expect.objectContaining({ function_request_id: 'request-2', cold_start: false }),
    ]);
    expect(logs[1]).not.toHaveProperty('orderId');
    // What every line of the function's log group would repeat is left out.
    for (const name of ['function_arn', 'function_name', 'function_memory_size', 'sampling_rate'])
      expect(logs[0]).not.toHaveProperty(name);
  });
});
