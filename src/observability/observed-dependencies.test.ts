import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import type { Order } from '../domain/order.js';
import { anOrder } from '../testing/orders.js';
import { noOpenOrders } from '../testing/store-stubs.js';
import type { OrderDependencies } from '../use-cases/dependencies.js';
import { createMetrics, MetricUnit } from './metrics.js';
import { observeOrderDependencies } from './observed-dependencies.js';
import { createTelemetry } from './telemetry.js';

const order = anOrder({
  id: 'order-1',
  customerId: 'customer-1',
  items: [
    {
      sku: 'SKU-1',
      quantity: 2,
      unitPrice: { amount: 1250, currency: 'EUR' },
      lineTotal: { amount: 2500, currency: 'EUR' },
    },
  ],
  total: { amount: 2500, currency: 'EUR' },
});

/** Ports that remember what they were asked; `failing` names the side effects that reject. */
function fakeDependencies(failing: ReadonlySet<'queue' | 'alert'> = new Set()) {
  const stored: Order[] = [];
  const deps: OrderDependencies = {
    store: {
      create: async (o) => {
        stored.push(o);
      },
      get: async (id) => stored.find((o) => o.id === id),
      listByCustomer: async () => [],
      markDispatched: async () => {},
      claimDispatch: async () => undefined,
      transition: async () => order,
      listByStatus: async () => ({ orders: [] }),
      ...noOpenOrders,
      pendingShards: 1,
      listUndispatched: async () => [],
      deferSweep: async () => {},
    },
    queue: {
      enqueue: async () => {
        if (failing.has('queue')) throw new Error('queue down');
      },
    },
    notifier: {
      announce: async () => {
        if (failing.has('alert')) throw new Error('topic down');
      },
      announceDigest: async () => {},
    },
    clock: () => new Date('2026-01-01T00:00:00.000Z'),
  };
  return { deps, stored };
}

function telemetry() {
  return {
    logger: new Logger({ serviceName: 'order-api', logLevel: 'SILENT' }),
    metrics: createMetrics({}, {}),
  };
}

const metricValues = (t: ReturnType<typeof telemetry>) =>
  t.metrics.serializeMetrics() as unknown as Record<string, unknown>;

describe('observeOrderDependencies', () => {
  it('counts the order and its value when the store accepts it', async () => {
    const t = telemetry();
    const { deps, stored } = fakeDependencies();

    await observeOrderDependencies(deps, t).store.create(order);

    expect(stored).toEqual([order]);
    expect(metricValues(t)).toMatchObject({
      OrdersPlaced: 1,
      OrderValue: 2500,
      currency: 'EUR',
      service: 'order-api',
      _aws: { CloudWatchMetrics: [{ Namespace: 'OrderProcessing' }] },
    });
  });

  it('counts nothing and rethrows when the store rejects the order', async () => {
    const t = telemetry();
    const { deps } = fakeDependencies();
    const failure = new Error('exists');
    const observed = observeOrderDependencies(
      {
        ...deps,
        store: {
          ...deps.store,
          create: async () => {
            throw failure;
          },
        },
      },
      t,
    );

    await expect(observed.store.create(order)).rejects.toBe(failure);
    expect(t.metrics.hasStoredMetrics()).toBe(false);
  });

  it('counts a dispatch failure and rethrows when the queue send fails', async () => {
    const t = telemetry();
    const observed = observeOrderDependencies(fakeDependencies(new Set(['queue'])).deps, t);

    await expect(observed.queue.enqueue(order)).rejects.toThrow('queue down');
    await observed.notifier.announce(order);

    expect(metricValues(t)).toMatchObject({ DispatchFailures: 1 });
  });

  it('records one failure per side effect when both fail', async () => {
    const t = telemetry();
    const observed = observeOrderDependencies(
      fakeDependencies(new Set(['queue', 'alert'])).deps,
      t,
    );

    await Promise.allSettled([observed.queue.enqueue(order), observed.notifier.announce(order)]);

    // EMF carries both data points; CloudWatch sums them.
    expect(metricValues(t)).toMatchObject({ DispatchFailures: [1, 1] });
  });

  it('passes reads through to the store unchanged when asked for an order', async () => {
    const { deps } = fakeDependencies();
    const observed = observeOrderDependencies(deps, telemetry());

    await observed.store.create(order);

    expect(await observed.store.get(order.id)).toEqual(order);
  });
});

describe('createMetrics', () => {
  it('takes the namespace from POWERTOOLS_METRICS_NAMESPACE when it is set', () => {
    const metrics = createMetrics({}, { POWERTOOLS_METRICS_NAMESPACE: 'Elsewhere' });
    metrics.addMetric('OrdersPlaced', 'Count', 1);

    expect(metrics.serializeMetrics()._aws.CloudWatchMetrics[0]?.Namespace).toBe('Elsewhere');
  });
});

describe('createTelemetry', () => {
  it('names both under the configured service, or the function default when none is configured', () => {
    const configured = createTelemetry('order-sweeper', { POWERTOOLS_SERVICE_NAME: 'from-stack' });
    const fallback = createTelemetry('order-sweeper', {});

    configured.metrics.addMetric('Probe', MetricUnit.Count, 1);
    fallback.metrics.addMetric('Probe', MetricUnit.Count, 1);

    expect(configured.metrics.serializeMetrics()).toMatchObject({ service: 'from-stack' });
    expect(fallback.metrics.serializeMetrics()).toMatchObject({ service: 'order-sweeper' });
  });
});
