import { AsyncLocalStorage } from 'node:async_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FAULTABLE_COMMANDS,
  type FaultSwitch,
  type InjectedFault,
  injectFaults,
  seededRandom,
} from '../testing/fault-injection.js';
import { createTestOrderSystem, type TestOrderSystem } from '../testing/order-system.js';
import type { OrderDependencies } from '../use-cases/dependencies.js';
import { sweepOrders } from '../use-cases/sweep-orders.js';
import { checkInvariants, readOrderSystemState } from './audit.js';
import { chaosSeed, OLD_ENOUGH_TO_SWEEP_MS, orderRequest, placeWithRetries } from './client.js';

const SEED = chaosSeed(20261125);
const PLAN = {
  minOrders: 150,
  maxOrders: 400,
  minFaults: 300,
  concurrency: 10,
  customers: 30,
  faultProbability: 0.3,
  maxAttempts: 12,
  giveUpShare: 0.2,
} as const;

let sys: TestOrderSystem;
let switches: FaultSwitch[];

beforeAll(async () => {
  sys = await createTestOrderSystem();
  switches = [
    injectFaults(sys.clients.dynamo),
    injectFaults(sys.clients.sqs),
    injectFaults(sys.clients.sns),
  ];
});

/**
 * Each client draws its faults from its own generator, found through the async context of its
 * calls, so that a seed replays the same faults whatever order concurrent clients interleave in.
 */
const clientRandom = new AsyncLocalStorage<() => number>();

const count = (faults: readonly InjectedFault[], match: (f: InjectedFault) => boolean) =>
  faults.filter(match).length;

describe('placing orders under random faults', () => {
  it('loses no acknowledged order and duplicates no order or queue message when faults strike at random', async () => {
    // Prepare
    console.log(`chaos seed ${SEED} (set CHAOS_SEED to replay another run)`);
    const random = () => (clientRandom.getStore() ?? Math.random)();
    for (const s of switches) {
      s.randomly({
        random,
        probability: PLAN.faultProbability,
        commands: Object.values(FAULTABLE_COMMANDS).flat(),
      });
    }
    const injected = () => switches.reduce((n, s) => n + s.injected, 0);
    const acknowledged = new Map<string, string>();
    let placed = 0;
    let gaveUp = 0;
    let exhausted = 0;
    const runClient = async (n: number) => {
      const rng = seededRandom(SEED + n * 7_919);
      const giveUp = rng() < PLAN.giveUpShare;
      const tag = `chaos-${n}`;
      const request = orderRequest(tag, `customer-${n % PLAN.customers}`, `key-${SEED}-${n}`);
      const outcome = await clientRandom.run(rng, () =>
        placeWithRetries(sys.deps, request, { maxAttempts: PLAN.maxAttempts, giveUp }),
      );
      if (outcome.order) acknowledged.set(tag, outcome.order.id);
      else if (giveUp) gaveUp += 1;
      else exhausted += 1;
    };

    // Act: rounds of concurrent clients until enough orders and faults, then the sweeper, calm.
    while (placed < PLAN.maxOrders && (placed < PLAN.minOrders || injected() < PLAN.minFaults)) {
      const round = Array.from({ length: PLAN.concurrency }, (_, i) => placed + i);
      placed += round.length;
      await Promise.all(round.map(runClient));
    }
    for (const s of switches) s.calm();
    const pendingBefore = (await sys.scanOrders()).filter((o) => o.dispatchPending).length;
    const later: OrderDependencies = {
      ...sys.deps,
      clock: () => new Date(Date.now() + OLD_ENOUGH_TO_SWEEP_MS),
    };
    const sweep = await sweepOrders(later, { graceMs: 60_000 });

    // Assess
    const state = await readOrderSystemState(sys.clients, sys.resources);
    const report = checkInvariants(state, acknowledged);
    const faults = switches.flatMap((s) => s.log);
    const lostPublishes = count(
      faults,
      (f) => f.command === 'PublishCommand' && f.faultKind === 'lost-response',
    );
    const unrecordedPublishes = count(
      faults,
      (f) => f.command === 'UpdateItemCommand' && f.faultKind !== 'lost-response',
    );
    const byKind = ['server-error', 'throttling', 'timeout', 'lost-response']
      .map((kind) => `${kind} ${count(faults, (f) => f.faultKind === kind)}`)
      .join(', ');
    console.log(
      `chaos seed=${SEED} orders=${placed} acknowledged=${acknowledged.size} gaveUp=${gaveUp} ` +
        `exhausted=${exhausted} faults=${faults.length} (${byKind}) stored=${report.stored} ` +
        `swept=${sweep.redispatched}/${pendingBefore}+${sweep.openMarked} lost=${report.lostOrders.length} ` +
        `duplicateOrders=${report.duplicateOrders.length} ` +
        `wrongMessageCounts=${report.wrongMessageCount.length} ` +
        `undispatched=${report.undispatched.length} duplicateAlerts=${report.duplicateAlerts} ` +
        `(allowed ≤ ${lostPublishes} lost Publish responses + ${unrecordedPublishes} failed flag writes)`,
    );
    expect(faults.length).toBeGreaterThanOrEqual(PLAN.minFaults);
    expect(placed).toBeGreaterThanOrEqual(PLAN.minOrders);
    expect(pendingBefore).toBeGreaterThan(0);
    // Orders whose dispatch record was lost carry no marker: the scan of open orders finds them.
    expect(sweep).toMatchObject({ failed: 0 });
    expect(sweep.redispatched + sweep.alreadyDispatched).toBe(pendingBefore + sweep.openMarked);
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
    expect(report.duplicateAlerts).toBeLessThanOrEqual(lostPublishes + unrecordedPublishes);
  }, 120_000);
});
