import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { LAMBDA_BUNDLE_OPTIONS } from '../../infra/bundling.js';

/** A Lambda bundle built for measuring. */
export interface BuiltBundle {
  /** The bundle's file (CommonJS, `.cjs`). */
  readonly file: string;
  /** Size of the minified bundle in bytes, without its source map. */
  readonly bytes: number;
  readonly metafile: Metafile;
}

/**
 * Bundles one entry point exactly as the Lambda functions are bundled ({@link LAMBDA_BUNDLE_OPTIONS}),
 * into `outdir/<name>.cjs` with its map beside it.
 */
export async function buildBundle(
  entry: string,
  outdir: string,
  name: string,
): Promise<BuiltBundle> {
  const file = join(outdir, `${name}.cjs`);
  const result = await build({
    ...LAMBDA_BUNDLE_OPTIONS,
    entryPoints: [entry],
    outfile: file,
    metafile: true,
    logLevel: 'warning',
  });
  return { file, bytes: (await stat(file)).size, metafile: result.metafile };
}

/** The largest inputs of a bundle by bytes in the output, biggest first. */
export function largestInputs(
  metafile: Metafile,
  count: number,
): { input: string; bytes: number }[] {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  if (!output) return [];
  return Object.entries(output.inputs)
    .map(([input, { bytesInOutput }]) => ({
      input: input.replace(/^.*node_modules\//, ''),
      bytes: bytesInOutput,
    }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count);
}
