import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetFor, withCallBudget } from '../adapters/aws/call-budget.js';
import { SqsFailedRecordRouter } from '../adapters/aws/sqs-failed-records.js';
import { createConsumerHandler } from '../consumer/create-consumer-handler.js';
import { recordCompletionOnly } from '../domain/order-processing.js';
import { API_CALL_BUDGET } from '../graphql/lambda-handler.js';
import { seededRandom } from '../testing/fault-injection.js';
import { TRANSPORT_FAULTS } from '../testing/fault-proxy.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import {
  inFaultStream,
  type ProxiedOrderSystem,
  REQUEST_DEADLINE_BOUND_MS,
  startProxiedOrderSystem,
} from '../testing/proxied-clients.js';
import { sweepOrders } from '../use-cases/sweep-orders.js';
import { checkInvariants, consumeOrderQueue, readOrderSystemState } from './audit.js';
import { chaosSeed, OLD_ENOUGH_TO_SWEEP_MS, orderRequest, placeWithRetries } from './client.js';

const SEED = chaosSeed(20261201);
const PLAN = {
  orders: 220,
  concurrency: 20,
  customers: 40,
  faultProbability: 0.12,
  maxAttempts: 12,
  giveUpShare: 0.2,
} as const;
/** The deployed API function's timeout, from which each request's call budget is derived. */
const FUNCTION_TIMEOUT_MS = 10_000;

let sys: TestOrderSystem;
let proxied: ProxiedOrderSystem;

beforeAll(async () => {
  sys = await createTestOrderSystem();
  proxied = await startProxiedOrderSystem(sys.resources);
});
afterAll(() => proxied.stop());

/** A seeded generator per service and client: the same seed replays the same faults. */
const streamOf = (service: number) => (stream: string) =>
  seededRandom(SEED * 31 + service * 1_000_003 + Number(stream));

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

describe('placing orders through a fault proxy at the transport', () => {
  it('loses, duplicates and delays no order beyond the deadline and sends no extra alert but behind a lost Publish answer or record when random faults strike the wire', async () => {
    // Prepare
    console.log(`transport chaos seed ${SEED} (set CHAOS_SEED to replay another run)`);
    Object.values(proxied.proxies).forEach((proxy, i) => {
      proxy.randomly({
        random: seededRandom(SEED + i),
        streams: streamOf(i),
        probability: PLAN.faultProbability,
        actions: ['PutItem', 'GetItem', 'UpdateItem', 'SendMessage', 'Publish'],
      });
    });
    const budget = budgetFor(FUNCTION_TIMEOUT_MS, API_CALL_BUDGET);
    // Writes recording a dispatch that failed in the client, even before reaching the wire (the
    // budget ran out on a busy machine): their side effects are sent again by the sweeper.
    const unrecorded = new Set<string>();
    const store = proxied.deps.store;
    const deps = {
      ...proxied.deps,
      store: {
        create: (o: Parameters<typeof store.create>[0]) => store.create(o),
        get: (id: string) => store.get(id),
        listByCustomer: (q: Parameters<typeof store.listByCustomer>[0]) => store.listByCustomer(q),
        transition: (c: Parameters<typeof store.transition>[0]) => store.transition(c),
        listUndispatched: (...a: Parameters<typeof store.listUndispatched>) =>
          store.listUndispatched(...a),
        claimDispatch: (...a: Parameters<typeof store.claimDispatch>) => store.claimDispatch(...a),
        listByStatus: (q: Parameters<typeof store.listByStatus>[0]) => store.listByStatus(q),
        pendingShards: store.pendingShards,
        deferSweep: (...a: Parameters<typeof store.deferSweep>) => store.deferSweep(...a),
        listOpen: (q: Parameters<typeof store.listOpen>[0]) => store.listOpen(q),
        readDispatchStates: (ids: readonly string[]) => store.readDispatchStates(ids),
        markPending: (id: string) => store.markPending(id),
        openScanWatermarks: () => store.openScanWatermarks(),
        advanceOpenScan: (...a: Parameters<typeof store.advanceOpenScan>) =>
          store.advanceOpenScan(...a),
        markDispatched: async (...a: Parameters<typeof store.markDispatched>) => {
          try {
            await store.markDispatched(...a);
          } catch (error) {
            unrecorded.add(a[0]);
            throw error;
          }
        },
      },
    };
    const acknowledged = new Map<string, string>();
    const durations: number[] = [];
    let gaveUp = 0;
    let exhausted = 0;
    const runClient = async (n: number) => {
      const rng = seededRandom(SEED + n * 7_919);
      const giveUp = rng() < PLAN.giveUpShare;
      const tag = `wire-${n}`;
      const request = orderRequest(tag, `customer-${n % PLAN.customers}`, `key-${SEED}-${n}`);
      // Two requests of one order at once now and then: a double submit.
      const copies = rng() < 0.1 ? 2 : 1;
      const outcomes = await Promise.all(
        Array.from({ length: copies }, (_, copy) =>
          inFaultStream(String(n * 2 + copy), () =>
            placeWithRetries(deps, request, {
              maxAttempts: PLAN.maxAttempts,
              giveUp,
              attempt: (work) => withCallBudget(budget, work),
            }),
          ),
        ),
      );
      for (const outcome of outcomes) {
        durations.push(...outcome.durationsMs);
        if (outcome.order) acknowledged.set(tag, outcome.order.id);
      }
      if (!acknowledged.has(tag)) {
        if (giveUp) gaveUp += 1;
        else exhausted += 1;
      }
    };

    // Act: concurrent clients, then calm, a sweep once claims and grace have passed, the consumer.
    const started = Date.now();
    for (let next = 0; next < PLAN.orders; next += PLAN.concurrency) {
      if (process.env.CHAOS_PROGRESS) console.log(`round ${next} at ${Date.now() - started}ms`);
      await Promise.all(
        Array.from({ length: Math.min(PLAN.concurrency, PLAN.orders - next) }, (_, i) =>
          runClient(next + i),
        ),
      );
    }
    proxied.calm();
    const later = { ...sys.deps, clock: () => new Date(Date.now() + OLD_ENOUGH_TO_SWEEP_MS) };
    const sweep = await sweepOrders(later);
    const consume = createConsumerHandler({
      deps: { store: sys.deps.store, clock: sys.deps.clock, fulfilment: recordCompletionOnly },
      logger: { info: () => {}, warn: () => {}, error: () => {} },
      failures: new SqsFailedRecordRouter(
        sys.clients.sqs,
        sys.resources.queueUrl,
        sys.resources.deadLetterQueueUrl,
      ),
    });
    const messages = await consumeOrderQueue(sys.clients, sys.resources.queueUrl, consume);

    // Assess
    const state = { ...(await readOrderSystemState(sys.clients, sys.resources)), messages };
    const report = checkInvariants(state, acknowledged);
    const faults = proxied.faults();
    const ordersWith = (match: (f: (typeof faults)[number]) => boolean) =>
      new Set(faults.filter(match).flatMap((f) => (f.orderId ? [f.orderId] : [])));
    // A Publish is "lost" to its client when the proxy dropped the answer, or when the client's
    // own timeout or budget cut the call after the service had carried it out.
    const lostPublish = ordersWith((f) => f.action === 'Publish' && f.fault === 'lost-response');
    // A record is lost when its UpdateItem failed, or was cut by the client after DynamoDB had
    // it (its budget ran out on a busy machine): the sweeper then publishes again.
    const failedRecord = ordersWith((f) => f.action === 'UpdateItem');
    for (const id of unrecorded) failedRecord.add(id);
    for (const a of proxied.abandoned()) {
      if (a.action === 'Publish' && a.orderId) lostPublish.add(a.orderId);
      if (a.action === 'UpdateItem' && a.orderId) failedRecord.add(a.orderId);
    }
    const duplicated = [...state.alerts].filter(([, n]) => n > 1).map(([id]) => id);
    const behindLostPublish = duplicated.filter((id) => lostPublish.has(id));
    const behindLostRecord = duplicated.filter(
      (id) => !lostPublish.has(id) && failedRecord.has(id),
    );
    const unexplained = duplicated.filter((id) => !lostPublish.has(id) && !failedRecord.has(id));
    const notCompleted = state.orders.filter((o) => o.status !== 'COMPLETED').map((o) => o.id);
    const { Attributes: dlq = {} } = await sys.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: sys.resources.deadLetterQueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const sorted = [...durations].sort((a, b) => a - b);
    const byKind = TRANSPORT_FAULTS.map(
      (kind) => `${kind} ${faults.filter((f) => f.fault === kind).length}`,
    ).join(', ');
    console.log(
      `transport chaos seed=${SEED} orders=${PLAN.orders} acknowledged=${acknowledged.size} ` +
        `gaveUp=${gaveUp} exhausted=${exhausted} faults=${faults.length} (${byKind}) ` +
        `abandonedByClients=${proxied.abandoned().length} ` +
        `stored=${report.stored} swept=${sweep.redispatched} lost=${report.lostOrders.length} ` +
        `duplicateOrders=${report.duplicateOrders.length} ` +
        `wrongMessageCounts=${report.wrongMessageCount.length} notCompleted=${notCompleted.length} ` +
        `duplicateAlerts=${report.duplicateAlerts} (behind a lost Publish answer ${behindLostPublish.length}, ` +
        `behind a lost record ${behindLostRecord.length}, other ${unexplained.length}) ` +
        `attempts=${sorted.length} p50=${Math.round(percentile(sorted, 0.5))}ms ` +
        `p99=${Math.round(percentile(sorted, 0.99))}ms max=${Math.round(sorted.at(-1) ?? 0)}ms ` +
        `(bound ${REQUEST_DEADLINE_BOUND_MS}ms)`,
    );
    expect(faults.filter((f) => f.fault === 'stall').length).toBeGreaterThan(0);
    expect(report).toMatchObject({
      lostOrders: [],
      duplicateOrders: [],
      wrongMessageCount: [],
      unalerted: [],
      undispatched: [],
      strays: [],
      ok: true,
    });
    expect(report.stored).toBeGreaterThanOrEqual(acknowledged.size);
    expect(notCompleted).toEqual([]);
    expect(unexplained).toEqual([]);
    expect(sorted.at(-1) ?? 0).toBeLessThanOrEqual(REQUEST_DEADLINE_BOUND_MS);
    expect(
      Number(dlq.ApproximateNumberOfMessages) + Number(dlq.ApproximateNumberOfMessagesNotVisible),
    ).toBe(0);
  }, 180_000);
});
