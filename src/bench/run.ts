// npm run bench: the GraphQL function's package size, its cold start made the way Lambda makes
// one (and the WebSocket function's, on its first `$connect`), and its warm latency, each as a
// ratio to a baseline measured in the same run.
import { execFileSync, fork } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAMBDA_ENTRIES, LAMBDA_NODE, lambdaV8Flags } from '../../infra/bundling.js';
import { deployedFunction } from '../../infra/lib/deployed-functions.js';
import { type AwsClients, createAwsClients } from '../adapters/aws/clients.js';
import { toDocumentClient } from '../adapters/aws/document-client.js';
import { createOrderDependencies } from '../adapters/aws/order-dependencies.js';
import { startEmulators } from '../local/emulators.js';
import { ensureResources } from '../local/resources.js';
import { ensureSubscriptionTable } from '../local/subscription-resources.js';
import { connectEvent } from '../local/websocket-events.js';
import { PACKAGE_FILES } from '../startup/package-files.js';
import { ensureNodeBinary } from '../tools/lambda/node-binary.js';
import { buildFunctionPackage, makeCodeCache } from '../tools/lambda/package-function.js';
import { placeOrder } from '../use-cases/place-order.js';
import {
  BASELINE_COMMIT,
  BASELINE_RUNTIME,
  baselinePackage,
  packageOfCommit,
} from './baseline-package.js';
import { buildBundle } from './bundle.js';
import { type ColdStartVariant, measureColdStarts } from './cold-start.js';
import { startDelayProxy } from './delay-proxy.js';
import {
  BENCH_ADMIN_ISSUER,
  graphqlHttpEvent,
  lambdaContext,
  OPERATIONS,
  placeOrderInput,
} from './events.js';
import { benchCertificate, startHttpsDynamo } from './https-dynamodb.js';
import { type BenchEndpoints, lambdaLikeEnv, readOnlyPackage } from './lambda-like.js';
import { type Comparison, compare, comparisonTable, wallTimes } from './report.js';
import { summarize } from './stats.js';
import type { WarmRequest, WarmTimings } from './warm-worker.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COLD_ROUNDS = Number(process.env.BENCH_COLD_ROUNDS ?? 20);
const WARM_ROUNDS = Number(process.env.BENCH_WARM_ROUNDS ?? 150);
const LATENCY_ROUNDS = Number(process.env.BENCH_LATENCY_ROUNDS ?? 40);
const WARMUP_ROUNDS = 20;
/**
 * A commit (or anything git names one by) whose GraphQL package runs as a further cold-start
 * variant, as deployed today (same Node, flags and environment), to measure a change against it.
 */
const COMPARE_WITH = process.env.BENCH_COMPARE_WITH;
/** The cold-start variant of the WebSocket function (a name BENCH_COLD_VARIANTS can choose). */
const WS_VARIANT = 'WebSocket $connect';
/** Bundle and code cache together, as shipped (the source map is counted apart). */
const PACKAGE_TARGET_BYTES = 2.5 * 1024 * 1024;
const REGION = 'us-east-1';
/**
 * Added to every response of each service in the second warm table: assumed in-region medians,
 * not measured here (there is no AWS access). DynamoDB: AWS's "single-digit millisecond"
 * reads and writes; SQS FIFO SendMessage and SNS Publish: typical figures of ~10–20 ms.
 */
const AWS_LIKE_LATENCY_MS = { dynamodb: 5, sqs: 12, sns: 15 } as const;

const log = (line: string) => process.stderr.write(`${line}\n`);
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

/** Runs the warm measurements in a child process on the functions' Node with Lambda's flags. */
function runWarmWorker(
  node: string,
  flags: readonly string[],
  workerFile: string,
  env: Record<string, string>,
  request: WarmRequest,
): Promise<WarmTimings> {
  return new Promise((resolve, reject) => {
    const worker = fork(workerFile, {
      cwd: ROOT,
      env,
      execPath: node,
      execArgv: [...flags],
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

function warmComparisons(warm: WarmTimings, withTargets: boolean): Comparison[] {
  const of = (name: string) => warm[name] ?? [];
  const target = (value: number) => (withTargets ? value : undefined);
  return [
    compare(
      'placeOrder via handler',
      of('placeOrderHandler'),
      'floor: put → (send ‖ publish) → update',
      of('placeOrderFloorWithRecord'),
      target(1.1),
    ),
    compare(
      'placeOrder use case (no GraphQL)',
      of('placeOrderUseCase'),
      'floor: put → (send ‖ publish) → update',
      of('placeOrderFloorWithRecord'),
    ),
    compare(
      'put → send → publish → update, one by one',
      of('placeOrderSequential'),
      'floor: put → (send ‖ publish) → update',
      of('placeOrderFloorWithRecord'),
    ),
    compare(
      'order(id) via handler',
      of('orderHandler'),
      'GetCommand',
      of('getCommand'),
      target(1.25),
    ),
    compare(
      'getOrder use case (no GraphQL)',
      of('getOrderUseCase'),
      'GetCommand',
      of('getCommand'),
    ),
  ];
}

async function main() {
  const loadBefore = uptime();
  log(`Machine load before: ${loadBefore}`);
  const fn = deployedFunction(LAMBDA_ENTRIES.graphql);
  if (fn.runtime !== LAMBDA_NODE.runtime) {
    throw new Error(`The stack runs ${fn.runtime}, the bench measures ${LAMBDA_NODE.runtime}`);
  }
  const flags = lambdaV8Flags(fn.memoryMb);
  const wsFn = deployedFunction(LAMBDA_ENTRIES.graphqlWs);
  const node = await ensureNodeBinary(LAMBDA_NODE.version, log);
  const baselineNode = await ensureNodeBinary(BASELINE_RUNTIME.node, log);
  const tls = await benchCertificate();
  const dynamo = await startHttpsDynamo(tls, REGION);
  const emulators = await startEmulators();
  const workdir = await mkdtemp(join(tmpdir(), 'order-api-bench-'));
  const proxies: { stop(): Promise<void> }[] = [];
  try {
    // Readable by the non-root user the functions run as.
    await chmod(workdir, 0o755);
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    const messaging = createAwsClients(REGION, {
      sqs: emulators.messagingEndpoint,
      sns: emulators.messagingEndpoint,
    });
    const clients: AwsClients = {
      ...messaging,
      dynamodb: dynamo.client,
      dynamo: toDocumentClient(dynamo.client),
    };
    const resources = await ensureResources(clients, {
      table: 'bench-orders',
      queue: 'bench-orders',
      topic: 'bench-order-alerts',
    });
    const subscriptionsTable = await ensureSubscriptionTable(clients, 'bench-subscriptions');
    const endpoints: BenchEndpoints = {
      dynamodb: dynamo.endpoint,
      sqs: emulators.messagingEndpoint,
      sns: emulators.messagingEndpoint,
    };

    log('Packaging the GraphQL function as the CDK does (bundle, loader, code cache)…');
    const built = join(workdir, 'built');
    const made = await buildFunctionPackage({
      dir: join(built, 'graphql'),
      entry: LAMBDA_ENTRIES.graphql,
      memoryMb: fn.memoryMb,
      log,
    });
    const ws = await buildFunctionPackage({
      dir: join(built, 'graphql-ws'),
      entry: LAMBDA_ENTRIES.graphqlWs,
      memoryMb: wsFn.memoryMb,
      log,
    });
    const getOnly = await buildFunctionPackage({
      dir: join(built, 'get-only'),
      entry: 'src/bench/get-only-handler.ts',
      memoryMb: fn.memoryMb,
      codeCache: false,
      log,
    });
    // A cache V8 must refuse: made under other V8 flags (without Lambda's --expose-gc; V8 ignores
    // the heap sizes, so another memory size would not do).
    const foreign = join(built, 'foreign-cache');
    await readOnlyPackage(join(built, 'graphql'), foreign).then(() => chmod(foreign, 0o755));
    for (const file of [PACKAGE_FILES.cache, PACKAGE_FILES.cacheInfo]) {
      await chmod(join(foreign, file), 0o644);
    }
    await makeCodeCache(
      {
        dir: foreign,
        entry: LAMBDA_ENTRIES.graphql,
        memoryMb: fn.memoryMb,
        v8Flags: flags.filter((flag) => flag !== '--expose-gc'),
      },
      log,
    );
    const baseline = await baselinePackage(log);
    const compared = COMPARE_WITH && (await packageOfCommit(COMPARE_WITH, log));

    const packages = {
      deployed: await readOnlyPackage(join(built, 'graphql'), join(workdir, 'task-deployed')),
      noCache: await readOnlyPackage(join(built, 'graphql'), join(workdir, 'task-no-cache'), [
        PACKAGE_FILES.cache,
        PACKAGE_FILES.cacheInfo,
      ]),
      rejected: await readOnlyPackage(foreign, join(workdir, 'task-rejected-cache')),
      getOnly: await readOnlyPackage(join(built, 'get-only'), join(workdir, 'task-get-only')),
      ws: await readOnlyPackage(join(built, 'graphql-ws'), join(workdir, 'task-graphql-ws')),
      baseline: await readOnlyPackage(baseline, join(workdir, 'task-baseline')),
      compared: compared && (await readOnlyPackage(compared, join(workdir, 'task-compared'))),
    };
    const driver = join(workdir, 'cold-start-driver.mjs');
    await copyFile(join(ROOT, 'src/bench/cold-start-driver.mjs'), driver);
    await chmod(driver, 0o444);

    // The first request reads a stored order, so a cold start includes the SDK's first call.
    const stored = await placeOrder(
      createOrderDependencies(clients, resources),
      placeOrderInput('cold-start'),
    );
    const request = [
      'handler',
      JSON.stringify(graphqlHttpEvent(OPERATIONS.order, { id: stored.order.id }, 'cold-start')),
      JSON.stringify(lambdaContext('cold-start')),
      tls.certFile,
    ];
    // The subscription table has no subscriber: every publish after a write finds none. The
    // management API is never called then; its URL only has to parse.
    const references = {
      SUBSCRIPTIONS_TABLE_NAME: subscriptionsTable,
      WEBSOCKET_CALLBACK_URL: `https://bench.execute-api.${REGION}.amazonaws.com/live`,
      COGNITO_USER_POOL_ID: `${REGION}_bench`,
      COGNITO_CLIENT_ID: 'bench',
      COGNITO_ADMIN_USER_POOL_ID: `${REGION}_benchadmins`,
      COGNITO_ADMIN_CLIENT_ID: 'bench-admins',
      ADMIN_ISSUER: BENCH_ADMIN_ISSUER,
    };
    const envFor = (taskRoot: string) =>
      lambdaLikeEnv(fn, resources, endpoints, taskRoot, log, references);
    const asDeployed = (name: string, taskRoot: string): ColdStartVariant => ({
      name,
      node,
      args: [...flags, driver, taskRoot, ...request],
      env: envFor(taskRoot),
      cwd: taskRoot,
    });
    // A handshake whose token comes with `connection_init`, as graphql-ws clients send it: the
    // handler checks the subprotocol and stores the connection (one PutItem).
    const wsConnect = [
      'handler',
      JSON.stringify(
        connectEvent({
          connectionId: 'cold-start',
          connectedAt: Date.now(),
          headers: { 'Sec-WebSocket-Protocol': 'graphql-transport-ws' },
        }),
      ),
      JSON.stringify(lambdaContext('cold-start')),
      tls.certFile,
    ];
    const wsEnv = lambdaLikeEnv(wsFn, resources, endpoints, packages.ws, log, references);
    const baselineEnv = {
      ...envFor(packages.baseline),
      NODE_OPTIONS: BASELINE_RUNTIME.nodeOptions,
    };
    const variants: ColdStartVariant[] = [
      { name: 'node -e 0', node, args: [...flags, '-e', '0'], env: envFor(workdir), cwd: workdir },
      asDeployed('as deployed', packages.deployed),
      asDeployed('no code cache', packages.noCache),
      asDeployed('rejected code cache', packages.rejected),
      asDeployed('hand-written GetCommand', packages.getOnly),
      {
        name: WS_VARIANT,
        node,
        args: [...lambdaV8Flags(wsFn.memoryMb), driver, packages.ws, ...wsConnect],
        env: wsEnv,
        cwd: packages.ws,
      },
      {
        name: `${BASELINE_COMMIT} as deployed`,
        node: baselineNode,
        args: [...flags, driver, packages.baseline, ...request],
        env: baselineEnv,
        cwd: packages.baseline,
      },
      {
        name: `${BASELINE_COMMIT} on Node ${LAMBDA_NODE.version}`,
        node,
        args: [...flags, driver, packages.baseline, ...request],
        env: baselineEnv,
        cwd: packages.baseline,
      },
      {
        name: `node ${BASELINE_RUNTIME.node} -e 0`,
        node: baselineNode,
        args: [...flags, '-e', '0'],
        env: envFor(workdir),
        cwd: workdir,
      },
    ];
    const comparedName = `${COMPARE_WITH} as deployed`;
    if (packages.compared) variants.push(asDeployed(comparedName, packages.compared));
    const only = process.env.BENCH_COLD_VARIANTS?.split(',').map((name) => name.trim());
    const chosen = only ? variants.filter((v) => only.includes(v.name)) : variants;
    log(`Cold starts: ${COLD_ROUNDS} rounds of ${chosen.length} variants, interleaved…`);
    const cold = await measureColdStarts(chosen, COLD_ROUNDS, (round) => {
      if ((round + 1) % 5 === 0) log(`  round ${round + 1}/${COLD_ROUNDS}`);
    });
    const coldOf = (name: string) => wallTimes(cold[name] ?? []);
    const rejectionsIn = (name: string) =>
      (cold[name] ?? []).filter((run) => run.stdout.includes('"CodeCacheRejected":1')).length;
    for (const name of ['as deployed', WS_VARIANT]) {
      if (rejectionsIn(name) > 0) throw new Error(`V8 rejected the code cache of ${name}`);
    }
    if (cold['rejected code cache'] && rejectionsIn('rejected code cache') !== COLD_ROUNDS) {
      throw new Error('A rejected cache was not logged once per cold start');
    }

    log(`Warm requests: ${WARM_ROUNDS} interleaved rounds…`);
    const worker = await buildBundle(
      join(ROOT, 'src/bench/warm-worker.ts'),
      workdir,
      'warm-worker',
    );
    const warmRequest = { warmupRounds: WARMUP_ROUNDS, caFile: tls.certFile };
    const warmEnv = envFor(join(built, 'graphql'));
    const warm = await runWarmWorker(node, flags, worker.file, warmEnv, {
      ...warmRequest,
      rounds: WARM_ROUNDS,
    });
    log(`Warm requests with AWS-like latency: ${LATENCY_ROUNDS} rounds…`);
    const delayed = {
      dynamodb: await startDelayProxy(endpoints.dynamodb, AWS_LIKE_LATENCY_MS.dynamodb),
      sqs: await startDelayProxy(endpoints.sqs, AWS_LIKE_LATENCY_MS.sqs),
      sns: await startDelayProxy(endpoints.sns, AWS_LIKE_LATENCY_MS.sns),
    };
    proxies.push(...Object.values(delayed));
    const latency = await runWarmWorker(
      node,
      flags,
      worker.file,
      {
        ...warmEnv,
        AWS_ENDPOINT_URL_DYNAMODB: delayed.dynamodb.url,
        AWS_ENDPOINT_URL_SQS: delayed.sqs.url,
        AWS_ENDPOINT_URL_SNS: delayed.sns.url,
      },
      { ...warmRequest, rounds: LATENCY_ROUNDS },
    );
    const loadAfter = uptime();

    const baselineName = `${BASELINE_COMMIT} as deployed`;
    const gets = 'hand-written GetCommand';
    const node22 = `node ${BASELINE_RUNTIME.node} -e 0`;
    const onNode24 = `${BASELINE_COMMIT} on Node ${LAMBDA_NODE.version}`;
    const comparedPairs: [string, string][] = packages.compared
      ? [
          ['as deployed', comparedName],
          [comparedName, gets],
          [comparedName, baselineName],
        ]
      : [];
    const pairs: [string, string, number?][] = [
      ['as deployed', baselineName, 0.65],
      ['as deployed', gets, 1.05],
      ['rejected code cache', 'no code cache', 1.05],
      ...comparedPairs,
      ['as deployed', 'no code cache'],
      ['as deployed', 'node -e 0'],
      [gets, 'node -e 0'],
      [WS_VARIANT, 'node -e 0'],
      [WS_VARIANT, gets],
      [WS_VARIANT, 'as deployed'],
      [baselineName, node22],
      [onNode24, baselineName],
    ];
    // Only the pairs whose two variants ran (BENCH_COLD_VARIANTS may choose fewer).
    const coldComparisons = pairs
      .filter(([a, b]) => coldOf(a).length > 0 && coldOf(b).length > 0)
      .map(([a, b, target]) => compare(a, coldOf(a), b, coldOf(b), target));
    const warmTable = warmComparisons(warm, true);
    const latencyTable = warmComparisons(latency, false);
    const inside = Object.entries(cold)
      .filter(([, runs]) => runs.some((r) => r.importMs !== undefined))
      .map(([name, runs]) => {
        const importMs = summarize(runs.map((r) => r.importMs ?? 0)).median;
        const firstMs = summarize(runs.map((r) => r.firstRequestMs ?? 0)).median;
        return `| ${name} | ${importMs.toFixed(1)} | ${firstMs.toFixed(1)} |`;
      });
    const bytes = made.bytes;
    const shippedOf = (of: Readonly<Record<string, number>>) =>
      (of[PACKAGE_FILES.app] ?? 0) + (of[PACKAGE_FILES.cache] ?? 0);
    const shipped = shippedOf(bytes);
    const kb = (n = 0) => `${(n / 1024).toFixed(0)} KB`;
    console.log(
      [
        `Node ${LAMBDA_NODE.version} (baseline: ${BASELINE_RUNTIME.node}), V8 flags ${flags.join(' ')} (${fn.memoryMb} MB), DynamoDB over https, read-only package, uid ${process.getuid?.() === 0 ? 'nobody' : 'of this user'}`,
        `Load before: ${loadBefore}`,
        `Load after:  ${loadAfter}`,
        '',
        '## Package (GraphQL function)',
        '',
        '| file | size |',
        '|---|---|',
        ...Object.entries(bytes).map(([file, n]) => `| ${file} | ${kb(n)} |`),
        `| bundle + code cache | **${kb(shipped)}** (${shipped <= PACKAGE_TARGET_BYTES ? '≤ 2.5 MB ✓' : '> 2.5 MB ✗'}) |`,
        `| hand-written GetCommand function | ${kb(getOnly.bytes[PACKAGE_FILES.app])} |`,
        `| WebSocket function, bundle + code cache | ${kb(shippedOf(ws.bytes))} |`,
        '',
        `## Cold start: new process → handler loaded → first order(id) (WebSocket function: first \`$connect\`, ${wsFn.memoryMb} MB flags) answered (${COLD_ROUNDS} rounds)`,
        '',
        comparisonTable(coldComparisons),
        '',
        '| inside the process (medians, ms) | load | first request |',
        '|---|---|---|',
        ...inside,
        '',
        `## Warm requests against the emulators (${WARM_ROUNDS} interleaved rounds)`,
        '',
        comparisonTable(warmTable),
        '',
        `## Warm requests with AWS-like latency added per response (DynamoDB ${AWS_LIKE_LATENCY_MS.dynamodb} ms, SQS ${AWS_LIKE_LATENCY_MS.sqs} ms, SNS ${AWS_LIKE_LATENCY_MS.sns} ms; ${LATENCY_ROUNDS} rounds)`,
        '',
        comparisonTable(latencyTable),
      ].join('\n'),
    );

    const results = {
      date: new Date().toISOString(),
      load: { before: loadBefore, after: loadAfter },
      node: LAMBDA_NODE.version,
      baseline: { commit: BASELINE_COMMIT, ...BASELINE_RUNTIME },
      ...(COMPARE_WITH && { comparedWith: COMPARE_WITH }),
      v8Flags: flags,
      memoryMb: fn.memoryMb,
      rounds: { cold: COLD_ROUNDS, warm: WARM_ROUNDS, latency: LATENCY_ROUNDS },
      awsLikeLatencyMs: AWS_LIKE_LATENCY_MS,
      package: {
        bytes,
        codeCache: made.cache,
        getCommandAloneBytes: getOnly.bytes,
        webSocket: { bytes: ws.bytes, codeCache: ws.cache },
      },
      coldStart: coldComparisons,
      warm: warmTable,
      warmWithLatency: latencyTable,
    };
    const resultsDir = join(ROOT, 'bench-results');
    await mkdir(resultsDir, { recursive: true });
    await writeFile(join(resultsDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    log('Wrote bench-results/latest.json');
  } finally {
    for (const proxy of proxies) await proxy.stop();
    await rm(workdir, { recursive: true, force: true });
    await emulators.stop();
    await dynamo.stop();
  }
}

await main();
