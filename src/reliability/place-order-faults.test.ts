import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../domain/errors.js';
import {
  FAULT_KINDS,
  type FaultKind,
  type FaultSwitch,
  injectFaults,
} from '../testing/fault-injection.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import { sweepOrders } from '../use-cases/sweep-orders.js';
import { checkInvariants, readOrderSystemState } from './audit.js';
import { OLD_ENOUGH_TO_SWEEP_MS, orderRequest, placeWithRetries } from './client.js';

let sys: TestOrderSystem;
let switches: Record<'dynamodb' | 'sqs' | 'sns', FaultSwitch>;

beforeAll(async () => {
  sys = await createTestOrderSystem();
  switches = {
    dynamodb: injectFaults(sys.clients.dynamo),
    sqs: injectFaults(sys.clients.sqs),
    sns: injectFaults(sys.clients.sns),
  };
});

beforeEach(async () => {
  for (const s of Object.values(switches)) s.calm();
  // Each test judges only its own order: start from empty queues.
  await readOrderSystemState(sys.clients, sys.resources);
});

const CALLS = [
  ['dynamodb', 'PutItemCommand'],
  ['dynamodb', 'GetItemCommand'],
  ['dynamodb', 'UpdateItemCommand'],
  ['sqs', 'SendMessageCommand'],
  ['sns', 'PublishCommand'],
] as const;

/**
 * Alerts the order must end with. A second alert is expected only when the fact that an alert went
 * out was lost: its Publish response (the SDK sends it again), or the write that records it and
 * releases the dispatch claim (the claim keeps retries from re-publishing; once it expires the
 * sweeper does; SNS topics that e-mail cannot deduplicate). The queue deduplicates the re-send.
 */
const expectedAlerts = (command: string, kind: FaultKind) =>
  (command === 'PublishCommand' && kind === 'lost-response') ||
  (command === 'UpdateItemCommand' && kind !== 'lost-response')
    ? 2
    : 1;

const cases = CALLS.flatMap(([service, command]) =>
  FAULT_KINDS.map((kind) => [command, kind, service] as const),
);

describe('placing an order under one injected fault', () => {
  it.each(cases)(
    'stores one order, queues it once and alerts when %s meets a %s fault',
    async (command, kind, service) => {
      // Prepare
      const tag = `req-${randomUUID()}`;
      const request = orderRequest(tag, `c-${randomUUID()}`, randomUUID());
      const before = switches[service].injected;
      switches[service].fail(command, kind);

      // Act: the client retries until acknowledged, then sends the request once more, as a
      // double submit does (a replay reads the order back, the only path that gets it).
      const first = await placeWithRetries(sys.deps, request, { maxAttempts: 5 });
      const replay = await placeWithRetries(sys.deps, request, { maxAttempts: 5 });
      // What no request completed the sweeper does, once the claim and the grace have passed.
      await sweepOrders({
        ...sys.deps,
        clock: () => new Date(Date.now() + OLD_ENOUGH_TO_SWEEP_MS),
      });

      // Assess
      expect(switches[service].log.slice(before)).toEqual([
        expect.objectContaining({ command, faultKind: kind }),
      ]);
      const errors = [...first.errors, ...replay.errors];
      // A put whose answer was lost is settled by a read of its id: the client sees no error.
      const resolvedOnServer = command === 'PutItemCommand' && kind === 'lost-response';
      expect(errors).toHaveLength(resolvedOnServer ? 0 : 1);
      for (const error of errors) expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(first.order?.id).toBeDefined();
      expect(replay.order?.id).toBe(first.order?.id);
      const state = await readOrderSystemState(sys.clients, sys.resources);
      const mine = state.orders.filter((o) => o.customerEmail === `${tag}@example.com`);
      const report = checkInvariants(
        { ...state, orders: mine },
        new Map([[tag, first.order?.id ?? '']]),
      );
      expect(report).toMatchObject({
        stored: 1,
        lostOrders: [],
        duplicateOrders: [],
        wrongMessageCount: [],
        unalerted: [],
        undispatched: [],
        ok: true,
      });
      expect(state.alerts.get(first.order?.id ?? '')).toBe(expectedAlerts(command, kind));
    },
  );
});
