import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { orderRequest, sqsRecord } from '../consumer/test-fixtures.js';
import { toOrderMessage } from '../domain/order-message.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { placeOrder } from '../use-cases/place-order.js';

let system: TestOrderSystem;
beforeAll(async () => {
  system = await createTestOrderSystem();
});

const context: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'order-processor',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:order-processor',
  memoryLimitInMB: '512',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/order-processor',
  logStreamName: '2026/11/25/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

describe('process-orders handler', () => {
  it('completes the orders of an SQS event and reports the poison record when configured from the environment', async () => {
    // Prepare
    vi.stubEnv('ORDERS_TABLE_NAME', system.env.ORDERS_TABLE_NAME);
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    const { handler } = await import('./process-orders.js');
    const { order } = await placeOrder(system.deps, orderRequest('lambda-entry'));
    const good = sqsRecord(JSON.stringify(toOrderMessage(order)), 'lambda-entry');
    const poison = sqsRecord('{}', 'other-customer');

    const written: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });

    // Act
    const response = await handler({ Records: [good, poison] }, context, () => undefined);
    stdout.mockRestore();

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: poison.messageId }] });
    const emf = written
      .map((line) => JSON.parse(line))
      .find((entry) => entry._aws?.CloudWatchMetrics);
    expect(emf).toMatchObject({
      OrdersProcessed: 1,
      ConsumerFailures: 1,
      service: 'order-processor',
    });
    expect(await system.deps.store.get(order.id)).toMatchObject({ status: 'COMPLETED' });
  });
});
