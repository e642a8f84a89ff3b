// npm run bench: bundle size, cold start and warm latency of the GraphQL Lambda, each as a ratio
// to a baseline measured in the same run against the same local emulators.
import { fork } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAMBDA_ENTRIES } from '../../infra/bundling.js';
import { createAwsClients } from '../adapters/aws/clients.js';
import { createOrderDependencies } from '../adapters/aws/order-dependencies.js';
import { startEmulators } from '../local/emulators.js';
import { ensureResources } from '../local/resources.js';
import { placeOrder } from '../use-cases/place-order.js';
import { buildBundle, largestInputs } from './bundle.js';
import { type ColdStartVariant, measureColdStarts } from './cold-start.js';
import { graphqlHttpEvent, lambdaContext, OPERATIONS, placeOrderInput } from './events.js';
import { compare, comparisonTable, wallTimes } from './report.js';
import { summarize } from './stats.js';
import type { WarmRequest, WarmTimings } from './warm-worker.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COLD_ROUNDS = Number(process.env.BENCH_COLD_ROUNDS ?? 15);
const WARM_ROUNDS = Number(process.env.BENCH_WARM_ROUNDS ?? 200);
const WARMUP_ROUNDS = 30;
const BUNDLE_TARGET_BYTES = 700 * 1024;
const REGION = 'us-east-1';

/**
 * Runs the warm measurements in a child process. The worker is bundled like the handler and run
 * by plain `node`: under a TypeScript loader every request would pay for the loader's hooks.
 */
function runWarmWorker(
  workerFile: string,
  env: NodeJS.ProcessEnv,
  request: WarmRequest,
): Promise<WarmTimings> {
  return new Promise((resolve, reject) => {
    const worker = fork(workerFile, {
      cwd: ROOT,
      env,
      execArgv: [],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    worker.once('message', (message) => resolve((message as { timings: WarmTimings }).timings));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`The warm worker exited with ${code}`));
    });
    worker.send(request);
  });
}

async function main() {
  // The emulators accept any credentials; this process's own SDK clients need some.
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const emulators = await startEmulators();
  const outdir = await mkdtemp(join(tmpdir(), 'order-api-bench-'));
  try {
    const clients = createAwsClients(REGION, {
      dynamodb: emulators.dynamodbEndpoint,
      sqs: emulators.messagingEndpoint,
      sns: emulators.messagingEndpoint,
    });
    const resources = await ensureResources(clients, {
      table: 'bench-orders',
      queue: 'bench-orders',
      topic: 'bench-order-alerts',
    });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_REGION: REGION,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodbEndpoint,
      AWS_ENDPOINT_URL_SQS: emulators.messagingEndpoint,
      AWS_ENDPOINT_URL_SNS: emulators.messagingEndpoint,
      ORDERS_TABLE_NAME: resources.tableName,
      ORDERS_QUEUE_URL: resources.queueUrl,
      ORDER_ALERTS_TOPIC_ARN: resources.topicArn,
    };

    const handlerEntry = join(ROOT, LAMBDA_ENTRIES.graphql);
    const bundle = await buildBundle(handlerEntry, outdir, 'graphql');
    const bare = await buildBundle(join(ROOT, 'src/bench/bare-handler.ts'), outdir, 'bare');
    const getOnly = await buildBundle(join(ROOT, 'src/bench/get-only-handler.ts'), outdir, 'get');

    // The first request reads a stored order, so a cold start includes the SDK's first call.
    const stored = await placeOrder(
      createOrderDependencies(clients, resources),
      placeOrderInput('cold-start'),
    );
    const driver = join(ROOT, 'src/bench/cold-start-driver.mjs');
    const request = [
      JSON.stringify(graphqlHttpEvent(OPERATIONS.order, { id: stored.order.id }, 'cold-start')),
      JSON.stringify(lambdaContext('cold-start')),
    ];
    const variants: ColdStartVariant[] = [
      { name: 'node -e 0', args: ['-e', '0'] },
      { name: 'bundle', args: [driver, bundle.file, ...request] },
      { name: 'bundle without Logger+Metrics', args: [driver, bare.file, ...request] },
      { name: 'GetCommand alone', args: [driver, getOnly.file, ...request] },
      {
        name: 'unbundled (tsx)',
        args: [
          '--import',
          'tsx/esm',
          '--import',
          './src/local/graphql-text-loader.mjs',
          driver,
          handlerEntry,
          ...request,
        ],
      },
    ];
    process.stderr.write(`Cold starts: ${COLD_ROUNDS} rounds of ${variants.length} variants…\n`);
    const cold = await measureColdStarts(variants, COLD_ROUNDS, env, ROOT);
    const coldOf = (name: string) => wallTimes(cold[name] ?? []);

    process.stderr.write(`Warm requests: ${WARM_ROUNDS} interleaved rounds…\n`);
    const worker = await buildBundle(join(ROOT, 'src/bench/warm-worker.ts'), outdir, 'warm-worker');
    const warm = await runWarmWorker(worker.file, env, {
      warmupRounds: WARMUP_ROUNDS,
      rounds: WARM_ROUNDS,
    });
    const warmOf = (name: string) => warm[name] ?? [];

    const comparisons = [
      compare('cold: bundle', coldOf('bundle'), 'node -e 0', coldOf('node -e 0'), 2.0),
      compare(
        'cold: GetCommand alone (no GraphQL)',
        coldOf('GetCommand alone'),
        'node -e 0',
        coldOf('node -e 0'),
      ),
      compare('cold: bundle', coldOf('bundle'), 'GetCommand alone', coldOf('GetCommand alone')),
      compare(
        'cold: bundle without Logger+Metrics',
        coldOf('bundle without Logger+Metrics'),
        'node -e 0',
        coldOf('node -e 0'),
      ),
      compare(
        'cold: bundle',
        coldOf('bundle'),
        'bundle without Logger+Metrics',
        coldOf('bundle without Logger+Metrics'),
      ),
      compare('cold: unbundled (tsx)', coldOf('unbundled (tsx)'), 'node -e 0', coldOf('node -e 0')),
      compare(
        'placeOrder via handler',
        warmOf('placeOrderHandler'),
        'put → (send ‖ publish)',
        warmOf('placeOrderConcurrentFloor'),
        1.25,
      ),
      compare(
        'put → send → publish',
        warmOf('placeOrderSequential'),
        'put → (send ‖ publish)',
        warmOf('placeOrderConcurrentFloor'),
      ),
      compare(
        'placeOrder via handler',
        warmOf('placeOrderHandler'),
        'put → (send ‖ publish) → update',
        warmOf('placeOrderFloorWithRecord'),
      ),
      compare(
        'placeOrder use case (no GraphQL)',
        warmOf('placeOrderUseCase'),
        'put → (send ‖ publish) → update',
        warmOf('placeOrderFloorWithRecord'),
      ),
      compare(
        'placeOrder via handler',
        warmOf('placeOrderHandler'),
        'placeOrder use case (no GraphQL)',
        warmOf('placeOrderUseCase'),
      ),
      compare(
        'order(id) via handler',
        warmOf('orderHandler'),
        'GetCommand',
        warmOf('getCommand'),
        1.3,
      ),
      compare(
        'order(id) via handler',
        warmOf('orderHandler'),
        'getOrder use case (no GraphQL)',
        warmOf('getOrderUseCase'),
      ),
    ];
    const driverFigures = Object.fromEntries(
      Object.entries(cold)
        .filter(([, runs]) => runs.some((r) => r.importMs !== undefined))
        .map(([name, runs]) => [
          name,
          {
            importMs: summarize(runs.map((r) => r.importMs ?? 0)),
            firstRequestMs: summarize(runs.map((r) => r.firstRequestMs ?? 0)),
          },
        ]),
    );

    const sizeLine = (name: string, bytes: number) =>
      `| ${name} | ${bytes} | ${(bytes / 1024).toFixed(1)} KB | ${
        bytes <= BUNDLE_TARGET_BYTES ? '≤ 700 KB ✓' : '> 700 KB ✗'
      } |`;
    const inside = Object.entries(driverFigures).map(
      ([name, f]) =>
        `| ${name} | ${f.importMs.median.toFixed(1)} | ${f.firstRequestMs.median.toFixed(1)} |`,
    );
    console.log(
      [
        `## Lambda bundle (minified, without source map)`,
        '',
        '| bundle | bytes | size | target |',
        '|---|---|---|---|',
        sizeLine('graphql handler', bundle.bytes),
        sizeLine('without Logger+Metrics', bare.bytes),
        sizeLine('GetCommand alone (no GraphQL)', getOnly.bytes),
        '',
        `## Cold start (new process → handler imported → first request answered; ${COLD_ROUNDS} runs each) and warm latency (${WARM_ROUNDS} interleaved runs each)`,
        '',
        comparisonTable(comparisons),
        '',
        '| inside the process (medians, ms) | import | first request |',
        '|---|---|---|',
        ...inside,
      ].join('\n'),
    );

    const results = {
      date: new Date().toISOString(),
      node: process.version,
      rounds: { cold: COLD_ROUNDS, warm: WARM_ROUNDS, warmup: WARMUP_ROUNDS },
      bundle: {
        bytes: bundle.bytes,
        withoutObservabilityBytes: bare.bytes,
        getCommandAloneBytes: getOnly.bytes,
        targetBytes: BUNDLE_TARGET_BYTES,
        largestInputs: largestInputs(bundle.metafile, 15),
      },
      coldStart: driverFigures,
      comparisons,
    };
    const resultsDir = join(ROOT, 'bench-results');
    await mkdir(resultsDir, { recursive: true });
    await writeFile(join(resultsDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    process.stderr.write(`Wrote bench-results/latest.json\n`);
  } finally {
    await rm(outdir, { recursive: true, force: true });
    await emulators.stop();
  }
}

await main();
