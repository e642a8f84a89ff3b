import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

/**
 * Modules the bundle leaves out because nothing in a Lambda invocation ever loads them. Each is
 * reached only through a dynamic `import()` behind a condition that is false there; should it
 * ever run, the import fails loudly ("Cannot find module") instead of misbehaving.
 */
export const NEVER_LOADED_MODULES = [
  // Apollo's GraphOS reporting plugins and the protobuf they share: the server installs their
  // `…Disabled` twins (src/graphql/server.ts), so Apollo never imports them.
  './plugin/usageReporting/index.js',
  './plugin/schemaReporting/index.js',
  './plugin/inlineTrace/index.js',
  // Cache hints: the server installs ApolloServerPluginCacheControlDisabled too.
  './plugin/cacheControl/index.js',
  // Event-stream (de)serialisation: none of the DynamoDB, SQS or SNS operations used has a stream.
  '@smithy/core/event-streams',
  // The default credential chain past its first link: Lambda always sets the environment
  // credentials, so `fromEnv` answers and the SSO, ini/profile, process, web-identity, container
  // and instance-metadata providers (and the STS/SSO/sign-in clients they use) are never imported.
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@smithy/credential-provider-imds',
] as const;

/**
 * The Node.js the functions run on. Lambda's managed runtime, esbuild's target, the Node that
 * makes each function's V8 code cache and the Node the bench measures all follow this one
 * constant: V8 accepts a code cache only from its own version with the same V8 flags, so the
 * release that builds the cache is pinned exactly. Node.js 24 is supported until April 2028.
 */
export const LAMBDA_NODE = {
  /** Lambda runtime identifier (`Runtime.NODEJS_24_X`). */
  runtime: 'nodejs24.x',
  /** esbuild target; moves with the runtime. */
  target: 'node24',
  /** Exact release that builds the code cache and runs the bench (Linux x64 build from the npm registry). */
  version: '24.22.3',
  /** Platform of the Lambda functions (x86_64); a code cache is made only on the same. */
  platform: 'linux-x64',
} as const;

/**
 * The V8 flags Lambda's Node.js runtime starts `node` with for a memory size: semi-space 5 % and
 * old space 90 % of the memory (`--max-semi-space-size=51 --max-old-space-size=922` for 1 024 MB).
 * A code cache is only accepted under the flags it was made with.
 */
export function lambdaV8Flags(memoryMb: number): string[] {
  return [
    '--expose-gc',
    `--max-semi-space-size=${Math.round(memoryMb * 0.05)}`,
    `--max-old-space-size=${Math.round(memoryMb * 0.9)}`,
  ];
}

/**
 * The one esbuild configuration for Lambda bundles, used by `npm run build`, the CDK functions and
 * `npm run bench`. Every option here has a command-line twin (`--alias:`, `--external:`,
 * `--conditions=`), so a CDK `NodejsFunction` can pass it through `esbuildArgs` too.
 *
 * The bundle is CommonJS because the function's entry (`src/startup/lambda-entry.ts`) compiles
 * it as a script with V8's code cache, which only classic scripts can use. Its source map is
 * external: Node never parses it at start (no `--enable-source-maps`); the entry maps stack
 * traces through it only when one is formatted.
 */
export const LAMBDA_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: LAMBDA_NODE.target,
  format: 'cjs',
  minify: true,
  sourcemap: 'external',
  // Stack traces need the mappings and file names only, not a copy of every source.
  sourcesContent: false,
  legalComments: 'none',
  mainFields: ['module', 'main'],
  // `import` also for require(): CommonJS dependants (the Lambda integration) then share the ESM
  // copy of dual packages such as @apollo/server instead of adding their CommonJS twin.
  conditions: ['module', 'import'],
  // graphql 16 has no export map: an extensionless deep import (`graphql/language/parser`, as
  // GraphQL Armor's packages write) would pull in the CommonJS twin of files the bundle already
  // holds as .mjs.
  resolveExtensions: ['.mjs', '.js', '.ts', '.json'],
  external: [...NEVER_LOADED_MODULES],
  alias: {
    '@apollo/utils.createhash': fileURLToPath(new URL('./shims/create-hash.ts', import.meta.url)),
    '@graphql-tools/schema': fileURLToPath(
      new URL('./shims/graphql-tools-schema.ts', import.meta.url),
    ),
  },
  // graphql-js then skips its per-call cross-realm `instanceof` check (there is one copy in the
  // bundle). Apollo reads it too, but only for defaults the server sets explicitly (introspection,
  // stack traces, landing page), so its behaviour does not change.
  define: { 'process.env.NODE_ENV': '"production"' },
} as const satisfies BuildOptions;

/** Lambda entry points: name → source file, relative to the repository root. */
export const LAMBDA_ENTRIES = {
  graphql: 'src/handlers/graphql.ts',
  processOrders: 'src/handlers/process-orders.ts',
  sweepOrders: 'src/handlers/sweep-orders.ts',
  graphqlWs: 'src/handlers/graphql-ws.ts',
  reconcileSubscriptions: 'src/handlers/reconcile-subscriptions.ts',
} as const;

/** The name of a Lambda entry point in {@link LAMBDA_ENTRIES}. */
export type LambdaEntryName = keyof typeof LAMBDA_ENTRIES;
