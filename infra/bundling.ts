import type { BuildOptions } from 'esbuild';

/**
 * The one esbuild configuration for Lambda bundles, used by `npm run build` and by the CDK
 * functions alike.
 */
export const LAMBDA_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  // Linked, not external: Node's --enable-source-maps finds the map only through the
  // sourceMappingURL comment that 'external' leaves out.
  sourcemap: 'linked',
  mainFields: ['module', 'main'],
  loader: { '.graphql': 'text' },
  // ESM bundles of CommonJS dependencies still call require().
  banner: {
    js: "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);",
  },
} as const satisfies BuildOptions;

/** Lambda entry points: name → source file, relative to the repository root. */
export const LAMBDA_ENTRIES = {
  graphql: 'src/handlers/graphql.ts',
  processOrders: 'src/handlers/process-orders.ts',
  sweepOrders: 'src/handlers/sweep-orders.ts',
} as const;

/** The name of a Lambda entry point in {@link LAMBDA_ENTRIES}. */
export type LambdaEntryName = keyof typeof LAMBDA_ENTRIES;
