import type { ScheduledEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { readOrderSystemState } from '../reliability/audit.js';
import { testLambdaContext } from '../testing/api-gateway-events.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { anOrder } from '../testing/orders.js';

type HandlerModule = typeof import('./sweep-orders.js');
let sys: TestOrderSystem;
let lambda: HandlerModule;

beforeAll(async () => {
  sys = await createTestOrderSystem();
  Object.assign(process.env, sys.env, { POWERTOOLS_LOG_LEVEL: 'SILENT' });
  lambda = await import('./sweep-orders.js');
});

const scheduledEvent: ScheduledEvent = {
  version: '0',
  id: 'e1b2c3d4-0000-0000-0000-000000000000',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-11-25T10:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/order-sweeper'],
  detail: {},
};

describe('order sweeper Lambda handler', () => {
  it('dispatches a stored order past the grace period when a scheduled event arrives', async () => {
    // Prepare: an order stored an hour ago whose request died before dispatching it.
    const order = anOrder({ createdAt: new Date(Date.now() - 3_600_000).toISOString() });
    const { id } = order;
    await sys.deps.store.create(order);

    // Act
    const summary = await lambda.handler(
      scheduledEvent,
      testLambdaContext('sweep-1'),
      () => undefined,
    );

    // Assess
    expect(summary).toMatchObject({ found: 1, redispatched: 1, failed: 0 });
    const state = await readOrderSystemState(sys.clients, sys.resources);
    expect(state.orders.find((o) => o.id === id)).toMatchObject({ queued: true, alerted: true });
    expect(state.messages.get(id)).toBe(1);
    expect(state.alerts.get(id)).toBe(1);
  });
});
