// Turns an esbuild Lambda bundle into the function package that is deployed and measured:
//   tsx src/tools/lambda/package-function.ts <dir> <entry file> <memory MB>
// The CDK functions run it after bundling (infra/lib/constructs/order-function.ts) and
// `npm run build` after its own esbuild step, so both ship the same files.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import {
  LAMBDA_BUNDLE_OPTIONS,
  LAMBDA_ENTRIES,
  LAMBDA_NODE,
  type LambdaEntryName,
  lambdaV8Flags,
} from '../../../infra/bundling.js';
import { fromRepoRoot, REPO_ROOT } from '../../../infra/lib/repo-paths.js';
import { createAwsClients } from '../../adapters/aws/clients.js';
import { emulatorEndpoints, startEmulators } from '../../local/emulators.js';
import { ensureResources } from '../../local/resources.js';
import { ensureSubscriptionTable } from '../../local/subscription-resources.js';
import { type CodeCacheInfo, PACKAGE_FILES } from '../../startup/package-files.js';
import { lambdaRuntimeEnv } from './lambda-process.js';
import { ensureNodeBinary } from './node-binary.js';
import { WARM_UPS, type WarmUp } from './warm-ups.js';

const run = promisify(execFile);
const REGION = 'us-east-1';

/** Options of {@link packageFunction}. */
export interface PackageFunctionOptions {
  /** Folder holding esbuild's `index.js` and `index.js.map` for the entry; the package is made in place. */
  readonly dir: string;
  /** The entry's source file, relative to the repository root; it selects the warm-ups. */
  readonly entry: string;
  /** The function's memory size: it decides Lambda's V8 flags, which the cache must match. */
  readonly memoryMb: number;
  /**
   * Whether to make the V8 code cache.
   * @default true
   */
  readonly codeCache?: boolean;
  readonly log?: (line: string) => void;
}

/** A finished function package. */
export interface FunctionPackage {
  /** Bytes of each file of the package, by name. */
  readonly bytes: Readonly<Record<string, number>>;
  /** What the code cache was made for, when there is one. */
  readonly cache?: CodeCacheInfo;
}

/** The bundle becomes `app.js`; its map names sources relative to the repository root. */
async function adoptBundle(dir: string) {
  await rename(join(dir, PACKAGE_FILES.entry), join(dir, PACKAGE_FILES.app));
  const mapFile = join(dir, `${PACKAGE_FILES.entry}.map`);
  if (!existsSync(mapFile)) return;
  const map = JSON.parse(await readFile(mapFile, 'utf8')) as { sources: string[]; names: string[] };
  // Stack traces need file, line and column; the minified names' originals are a third of the map.
  map.names = [];
  // The same sources then read the same wherever the bundle was built (dist/ or cdk.out/).
  map.sources = map.sources.map((source) =>
    relative(REPO_ROOT, resolve(dir, source)).split('\\').join('/'),
  );
  await writeFile(join(dir, PACKAGE_FILES.map), JSON.stringify(map));
  await rm(mapFile);
}

/** Writes the loader Lambda calls, `index.js`, from src/startup/lambda-entry.ts. */
async function writeEntry(dir: string) {
  await build({
    ...LAMBDA_BUNDLE_OPTIONS,
    sourcemap: false,
    entryPoints: [fromRepoRoot('src/startup/lambda-entry.ts')],
    outfile: join(dir, PACKAGE_FILES.entry),
    // The entry sets module.exports on purpose: Lambda needs the bundle's exports, whatever they are.
    logOverride: { 'commonjs-variable-in-esm': 'silent' },
    logLevel: 'warning',
  });
}

function warmUpsFor(entry: string): readonly WarmUp[] {
  const name = (Object.keys(LAMBDA_ENTRIES) as LambdaEntryName[]).find(
    (key) => LAMBDA_ENTRIES[key] === entry,
  );
  return name ? WARM_UPS[name] : [];
}

/** Bundles the cache maker for the Node.js that runs it. */
async function bundleCacheMaker(workdir: string) {
  const outfile = join(workdir, 'make-code-cache.cjs');
  await build({
    ...LAMBDA_BUNDLE_OPTIONS,
    sourcemap: false,
    entryPoints: [fileURLToPath(new URL('./make-code-cache.ts', import.meta.url))],
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * Makes (or remakes) the V8 code cache of the package in `dir`: runs the entry's warm-ups in the
 * pinned Node.js release with Lambda's V8 flags against emulators started here, takes the cache,
 * and checks that V8 accepts it. (V8 13.6 leaves the heap-size flags out of the flags a cache is
 * tied to, but not `--expose-gc`.)
 */
export async function makeCodeCache(
  options: Pick<PackageFunctionOptions, 'dir' | 'entry' | 'memoryMb'> & {
    /** @default Lambda's flags for the memory size */
    readonly v8Flags?: readonly string[];
  },
  log: (line: string) => void,
) {
  const { dir, memoryMb } = options;
  const node = await ensureNodeBinary(LAMBDA_NODE.version, log);
  const workdir = await mkdtemp(join(tmpdir(), 'order-code-cache-'));
  const emulators = await startEmulators();
  try {
    const maker = await bundleCacheMaker(workdir);
    // The emulators accept any credentials; the SDK needs some to sign with.
    process.env.AWS_ACCESS_KEY_ID ??= 'test';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const clients = createAwsClients(REGION, emulatorEndpoints(emulators));
    const resources = await ensureResources(clients, {
      table: 'warm-up-orders',
      queue: 'warm-up-orders',
      topic: 'warm-up-alerts',
    });
    // The subscription functions' warm-ups read and write it.
    const subscriptionsTable = await ensureSubscriptionTable(clients, 'warm-up-subscriptions');
    const env = {
      ...lambdaRuntimeEnv({ functionName: 'warm-up', memoryMb, region: REGION, taskRoot: dir }),
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodbEndpoint,
      AWS_ENDPOINT_URL_SQS: emulators.messagingEndpoint,
      AWS_ENDPOINT_URL_SNS: emulators.messagingEndpoint,
      ORDERS_TABLE_NAME: resources.tableName,
      ORDERS_QUEUE_URL: resources.queueUrl,
      ORDER_ALERTS_TOPIC_ARN: resources.topicArn,
      // As the stack configures the API: claims come verified from API Gateway; the WebSocket
      // function verifies Cognito tokens itself.
      AUTH_MODE: options.entry === LAMBDA_ENTRIES.graphqlWs ? 'cognito' : 'apigateway',
      COGNITO_USER_POOL_ID: `${REGION}_warmup`,
      COGNITO_CLIENT_ID: 'warm-up',
      SUBSCRIPTIONS_TABLE_NAME: subscriptionsTable,
      WEBSOCKET_CALLBACK_URL: `https://warm-up.execute-api.${REGION}.amazonaws.com/live`,
    };
    const warmUpsFile = join(workdir, 'warm-ups.json');
    await writeFile(warmUpsFile, JSON.stringify(warmUpsFor(options.entry)));
    const flags = options.v8Flags ?? lambdaV8Flags(memoryMb);
    await run(node, [...flags, maker, 'make', dir, warmUpsFile], { env, cwd: dir });
    const { stdout } = await run(node, [...flags, maker, 'check', dir], { env, cwd: dir });
    if ((JSON.parse(stdout) as { rejected: boolean }).rejected) {
      throw new Error(`V8 rejected the code cache it has just made in ${dir}`);
    }
  } finally {
    await emulators.stop();
    await rm(workdir, { recursive: true, force: true });
  }
}

/**
 * Makes a function package in `dir` from esbuild's output there: the bundle as `app.js` with its
 * map, the loader as `index.js`, and V8's code cache of `app.js` taken after the entry's warm-up
 * invocations, made by the pinned Node.js release ({@link LAMBDA_NODE}) with Lambda's V8 flags
 * for the memory size, and checked to be accepted. On a machine whose platform is not the
 * functions' (`linux-x64`) no cache is made, and the log says so.
 */
export async function packageFunction(options: PackageFunctionOptions): Promise<FunctionPackage> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  await adoptBundle(options.dir);
  await writeEntry(options.dir);
  const platform = `${process.platform}-${process.arch}`;
  if (options.codeCache !== false) {
    if (platform === LAMBDA_NODE.platform) await makeCodeCache(options, log);
    else
      log(
        `No code cache: this machine is ${platform}, the functions run on ${LAMBDA_NODE.platform}`,
      );
  }
  const bytes: Record<string, number> = {};
  for (const file of Object.values(PACKAGE_FILES)) {
    const path = join(options.dir, file);
    if (existsSync(path)) bytes[file] = (await stat(path)).size;
  }
  const infoFile = join(options.dir, PACKAGE_FILES.cacheInfo);
  return {
    bytes,
    ...(existsSync(infoFile) && {
      cache: JSON.parse(await readFile(infoFile, 'utf8')) as CodeCacheInfo,
    }),
  };
}

/**
 * Bundles `entry` with the Lambda esbuild options into a fresh `dir` and packages it there with
 * {@link packageFunction}: the same steps, in the same order, as a CDK function's bundling.
 */
export async function buildFunctionPackage(
  options: PackageFunctionOptions,
): Promise<FunctionPackage & { readonly metafile: Metafile }> {
  await rm(options.dir, { recursive: true, force: true });
  await mkdir(options.dir, { recursive: true });
  const { metafile } = await build({
    ...LAMBDA_BUNDLE_OPTIONS,
    entryPoints: [fromRepoRoot(options.entry)],
    outfile: join(options.dir, PACKAGE_FILES.entry),
    metafile: true,
    logLevel: 'warning',
  });
  return { ...(await packageFunction(options)), metafile };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, entry, memory] = process.argv.slice(2);
  if (!dir || !entry || !memory || !isAbsolute(dir)) {
    throw new Error('Usage: package-function.ts <absolute dir> <entry file> <memory MB>');
  }
  const made = await packageFunction({ dir, entry, memoryMb: Number(memory) });
  process.stderr.write(`Packaged ${entry}: ${JSON.stringify(made.bytes)}\n`);
}
