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
  sourcemap: 'external',
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
} as const;
