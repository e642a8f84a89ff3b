import type { RecordedRequest } from './counting-proxy.js';
import { PRICES, sampledShare } from './prices.js';

/** Memory of each function, as the stack configures it (a template test keeps them equal). */
export const FUNCTION_MEMORY_MB = {
  api: 1024,
  consumer: 512,
  subscriptions: 512,
  reconciler: 512,
} as const;

/** A function the cost command times and prices. */
export type PricedFunction = keyof typeof FUNCTION_MEMORY_MB;
const PRICED_FUNCTIONS = Object.keys(FUNCTION_MEMORY_MB) as PricedFunction[];

/** The functions' architecture, which sets the price of a GB-second (a template test keeps it equal). */
export const FUNCTION_ARCHITECTURE: keyof typeof PRICES.lambda.gbSecond = 'x86_64';

/**
 * The level of Lambda's own log records the stack keeps: at WARN, the INFO records START, END
 * and REPORT are not written (a template test keeps it equal).
 */
export const SYSTEM_LOG_LEVEL: 'INFO' | 'WARN' = 'WARN';

/** What one run of the cost command counted. */
export interface RunCounts {
  readonly orders: number;
  readonly requests: readonly RecordedRequest[];
  readonly apiRequests: number;
  /** Duration of each invocation, in milliseconds, per function. */
  readonly invocations: Readonly<Record<PricedFunction, readonly number[]>>;
  /** Bytes each function wrote to its log. */
  readonly logBytes: Readonly<Record<PricedFunction, number>>;
  readonly consumerBatches: number;
  /** What WebSocket clients used, when some watched the orders. */
  readonly websocket?: { readonly messages: number; readonly connectionMinutes: number };
}

const REQUEST_ID = '8f507cfc-0000-4697-b07a-ac58fc914c95';
/** The lines Lambda adds to a function's log per invocation at system log level INFO (text format, with X-Ray). */
export const PLATFORM_LOG_LINES = [
  `START RequestId: ${REQUEST_ID} Version: $LATEST\n`,
  `END RequestId: ${REQUEST_ID}\n`,
  `REPORT RequestId: ${REQUEST_ID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 1024 MB\tMax Memory Used: 98 MB\t\nXRAY TraceId: 1-67a1b2c3-0123456789abcdef01234567\tSegmentId: 0123456789abcdef\tSampled: true\t\n`,
];
/** One access-log line of the HTTP API stage, in the stack's format, for a typical request. */
export const ACCESS_LOG_LINE = `${JSON.stringify({
  requestId: 'AbCdEfGhIjKlMnO=',
  ip: '203.0.113.7',
  caller: '3f2a1b4c-0000-4d5e-8f90-123456789abc',
  status: '200',
  responseLatency: '24',
  integrationError: '-',
  authorizerError: '-',
})}\n`;

/**
 * Billed milliseconds of a function's invocations, each rounded up to 1 ms. The first one warms
 * the process (Apollo's start, the SDK's first calls): it is a cold start, paid once per
 * execution environment rather than per order, so the others' mean stands in for it.
 */
export function billedMs(durations: readonly number[]): number {
  const warm = durations.length > 1 ? durations.slice(1) : durations;
  const mean = warm.reduce((s, ms) => s + Math.ceil(ms), 0) / Math.max(1, warm.length);
  return mean * durations.length;
}

const bytes = (lines: readonly string[]) => lines.reduce((sum, l) => sum + Buffer.byteLength(l), 0);
const chunks64k = (n: number) => Math.max(1, Math.ceil(n / 65_536));

/** One line of the cost table: a quantity per order and its price per million orders. */
export interface CostLine {
  readonly item: string;
  readonly perOrder: number;
  readonly unit: string;
  readonly dollarsPerMillion: number;
}

export interface CostReport {
  readonly lines: readonly CostLine[];
  readonly withoutEmail: number;
  readonly withEmail: number;
  /** DynamoDB write units per order, by table and index. */
  readonly writeUnitsByTarget: Readonly<Record<string, number>>;
  readonly readUnitsByAction: Readonly<Record<string, number>>;
  readonly requestsByAction: Readonly<Record<string, number>>;
  readonly text: string;
  readonly json: unknown;
}

const add = (map: Record<string, number>, key: string, n: number) => {
  map[key] = (map[key] ?? 0) + n;
};

/**
 * Prices a run: every quantity divided by the orders, times the list price, times a million.
 * `ordersPerSecond` sets X-Ray's sampled share of invocations (its default rule samples less as
 * traffic grows).
 */
export function priceRun(
  counts: RunCounts,
  options: { readonly ordersPerSecond: number },
): CostReport {
  const per = (n: number) => n / counts.orders;
  const writeUnitsByTarget: Record<string, number> = {};
  const readUnitsByAction: Record<string, number> = {};
  const requestsByAction: Record<string, number> = {};
  let sqsRequests = 0;
  let publishes = 0;
  for (const r of counts.requests) {
    add(requestsByAction, `${r.service}:${r.action}`, per(1));
    if (r.writeUnits) {
      add(writeUnitsByTarget, 'table', per(r.writeUnits.table));
      for (const [index, units] of Object.entries(r.writeUnits.indexes))
        add(writeUnitsByTarget, index, per(units));
    }
    if (r.readUnits !== undefined) add(readUnitsByAction, r.action, per(r.readUnits));
    if (r.service === 'sqs') sqsRequests += chunks64k(r.bytes);
    if (r.service === 'sns' && r.action === 'Publish') publishes += chunks64k(r.bytes);
  }
  const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
  const writeUnits = sum(writeUnitsByTarget);
  const readUnits = sum(readUnitsByAction);
  const invocations = PRICED_FUNCTIONS.reduce((n, fn) => n + counts.invocations[fn].length, 0);
  const gbSeconds =
    PRICED_FUNCTIONS.reduce(
      (total, fn) => total + billedMs(counts.invocations[fn]) * (FUNCTION_MEMORY_MB[fn] / 1024),
      0,
    ) / 1000;
  const functionLogs = PRICED_FUNCTIONS.reduce((n, fn) => n + counts.logBytes[fn], 0);
  const platformLogs = SYSTEM_LOG_LEVEL === 'INFO' ? invocations * bytes(PLATFORM_LOG_LINES) : 0;
  const accessLogs = counts.apiRequests * bytes([ACCESS_LOG_LINE]);
  const invocationsPerSecond = per(invocations) * options.ordersPerSecond;
  const traces = invocations * sampledShare(invocationsPerSecond);

  const line = (item: string, perOrder: number, unit: string, price: number): CostLine => ({
    item,
    perOrder,
    unit,
    dollarsPerMillion: perOrder * price * 1e6,
  });
  const lines: CostLine[] = [
    line('DynamoDB writes', writeUnits, 'write units', PRICES.dynamodb.writeUnit),
    line('DynamoDB reads', readUnits, 'read units', PRICES.dynamodb.readUnit),
    line('HTTP API', per(counts.apiRequests), 'requests', PRICES.httpApiRequest),
    line('Lambda requests', per(invocations), 'invocations', PRICES.lambda.request),
    line(
      `Lambda duration (${FUNCTION_ARCHITECTURE})`,
      per(gbSeconds),
      'GB-s',
      PRICES.lambda.gbSecond[FUNCTION_ARCHITECTURE],
    ),
    line('SQS FIFO', per(sqsRequests), 'requests', PRICES.sqsFifoRequest),
    line('SNS publishes', per(publishes), 'publishes', PRICES.sns.publish),
    line(
      'CloudWatch Logs',
      per(functionLogs + platformLogs + accessLogs),
      'bytes',
      PRICES.logIngestedByte,
    ),
    line('X-Ray', per(traces), 'traces', PRICES.xrayTrace),
    line(
      'WebSocket messages',
      per(counts.websocket?.messages ?? 0),
      'messages',
      PRICES.websocket.message,
    ),
    line(
      'WebSocket connection',
      per(counts.websocket?.connectionMinutes ?? 0),
      'minutes',
      PRICES.websocket.connectionMinute,
    ),
  ];
  const email = line('SNS e-mail', per(publishes), 'e-mails', PRICES.sns.email);
  const withoutEmail = lines.reduce((s, l) => s + l.dollarsPerMillion, 0);
  const withEmail = withoutEmail + email.dollarsPerMillion;

  const fmt = (n: number, digits = 2) => n.toFixed(digits);
  const rows = [...lines, email]
    .filter((l) => counts.websocket !== undefined || !l.item.startsWith('WebSocket'))
    .map(
      (l) =>
        `| ${l.item} | ${fmt(l.perOrder, l.unit === 'bytes' ? 0 : 3)} ${l.unit} | ${fmt(l.dollarsPerMillion)} |`,
    );
  const detail = (m: Record<string, number>) =>
    Object.entries(m)
      .map(([k, v]) => `${k} ${fmt(v, 2)}`)
      .join(', ');
  const text = [
    `Cost per order, measured (${counts.orders} orders, ${counts.consumerBatches} consumer batches; prices ${PRICES.region} ${PRICES.asOf}; X-Ray at ${options.ordersPerSecond} orders/s samples ${fmt(sampledShare(invocationsPerSecond) * 100, 1)} %)`,
    '',
    '| item | per order | $ per million orders |',
    '|---|---|---|',
    ...rows,
    `| **Total without e-mail** | | **${fmt(withoutEmail)}** |`,
    `| **Total with one e-mail per order** | | **${fmt(withEmail)}** |`,
    '',
    `Write units per order: ${detail(writeUnitsByTarget)}`,
    `Read units per order: ${detail(readUnitsByAction)}`,
    `Requests per order: ${detail(requestsByAction)}`,
    `Invocations: ${PRICED_FUNCTIONS.filter((fn) => counts.invocations[fn].length > 0)
      .map(
        (fn) =>
          `${fn} ${counts.invocations[fn].length} (billed mean ${fmt(billedMs(counts.invocations[fn]) / counts.invocations[fn].length, 1)} ms)`,
      )
      .join(', ')}`,
    `Log bytes per order: functions ${fmt(per(functionLogs), 0)}, platform ${fmt(per(platformLogs), 0)}, access ${fmt(per(accessLogs), 0)}`,
  ].join('\n');
  return {
    lines,
    withoutEmail,
    withEmail,
    writeUnitsByTarget,
    readUnitsByAction,
    requestsByAction,
    text,
    json: {
      prices: PRICES,
      orders: counts.orders,
      ordersPerSecond: options.ordersPerSecond,
      lines: [...lines, email],
      withoutEmail,
      withEmail,
      writeUnitsByTarget,
      readUnitsByAction,
      requestsByAction,
    },
  };
}

/**
 * What watching an order costs: the watched run's lines beside the plain run's, per order, and
 * the difference of their totals without e-mail.
 */
export function compareWatched(plain: CostReport, watched: CostReport, watchedOrders: number) {
  const fmt = (n: number) => n.toFixed(2);
  const rows = watched.lines.map((w) => {
    const p = plain.lines.find((l) => l.item === w.item)?.dollarsPerMillion ?? 0;
    return `| ${w.item} | ${fmt(p)} | ${fmt(w.dollarsPerMillion)} | ${fmt(w.dollarsPerMillion - p)} |`;
  });
  return [
    `An order watched by one orderUpdated subscriber from placing to its final status (${watchedOrders} orders, each its own connection)`,
    '',
    '| item | $ per million orders, unwatched | watched | difference |',
    '|---|---|---|---|',
    ...rows,
    `| **Total without e-mail** | **${fmt(plain.withoutEmail)}** | **${fmt(watched.withoutEmail)}** | **${fmt(watched.withoutEmail - plain.withoutEmail)}** |`,
  ].join('\n');
}

/** How often the stack runs the subscription reconciler (a template test keeps it equal). */
export const RECONCILE_INTERVAL_MINUTES = 1;

/** Runs of a scheduled function a month (30 days) at one run every `intervalMinutes`. */
export const runsPerMonth = (intervalMinutes: number) => (30 * 24 * 60) / intervalMinutes;
