import { describe, expect, it } from 'vitest';
import { PRICES } from './prices.js';
import { compareWatched, priceRun, type RunCounts, runsPerMonth } from './pricing.js';

const idle = { api: [], consumer: [], subscriptions: [], reconciler: [] };
const silent = { api: 0, consumer: 0, subscriptions: 0, reconciler: 0 };
const run = (overrides: Partial<RunCounts>): RunCounts => ({
  orders: 10,
  requests: [],
  apiRequests: 0,
  invocations: idle,
  logBytes: silent,
  consumerBatches: 0,
  ...overrides,
});
const pricing = { ordersPerSecond: 1 };
const dollars = (report: ReturnType<typeof priceRun>, item: string) =>
  report.lines.find((l) => l.item === item)?.dollarsPerMillion;

describe('priceRun', () => {
  it('prices WebSocket messages and connection minutes per order', () => {
    // 10 orders: 70 messages (7 each) and 10 connection minutes.
    const report = priceRun(run({ websocket: { messages: 70, connectionMinutes: 10 } }), pricing);

    expect(dollars(report, 'WebSocket messages')).toBeCloseTo(7 * PRICES.websocket.message * 1e6);
    expect(dollars(report, 'WebSocket messages')).toBeCloseTo(7);
    expect(dollars(report, 'WebSocket connection')).toBeCloseTo(0.25);
    expect(report.text).toContain('| WebSocket messages | 7.000 messages | 7.00 |');
  });

  it('leaves WebSocket lines out of the table of a run without watchers', () => {
    const report = priceRun(run({ apiRequests: 30 }), pricing);

    expect(report.text).not.toContain('WebSocket');
    expect(dollars(report, 'HTTP API')).toBeCloseTo(3);
  });

  it('times every function it prices, at its own memory size', () => {
    // One 100 ms invocation of the 512 MB WebSocket function for 10 orders.
    const report = priceRun(
      run({ invocations: { ...idle, subscriptions: [100] }, logBytes: silent }),
      pricing,
    );

    expect(dollars(report, 'Lambda requests')).toBeCloseTo(0.02);
    expect(dollars(report, 'Lambda duration (x86_64)')).toBeCloseTo(
      (0.1 * 0.5 * PRICES.lambda.gbSecond.x86_64 * 1e6) / 10,
    );
  });
});

describe('compareWatched', () => {
  it('shows each line of both runs and the difference of their totals', () => {
    const plain = priceRun(run({ apiRequests: 30 }), pricing);
    const watched = priceRun(
      run({ apiRequests: 30, websocket: { messages: 70, connectionMinutes: 10 } }),
      pricing,
    );

    const text = compareWatched(plain, watched, 10);

    expect(text).toContain('| HTTP API | 3.00 | 3.00 | 0.00 |');
    expect(text).toContain('| WebSocket messages | 0.00 | 7.00 | 7.00 |');
    expect(watched.withoutEmail - plain.withoutEmail).toBeCloseTo(7.25);
    expect(text).toContain(
      `| **Total without e-mail** | **${plain.withoutEmail.toFixed(2)}** | **${watched.withoutEmail.toFixed(2)}** | **7.25** |`,
    );
  });
});

describe('runsPerMonth', () => {
  it('counts a 30-day month of runs', () => {
    expect(runsPerMonth(1)).toBe(43_200);
    expect(runsPerMonth(5)).toBe(8_640);
  });
});
