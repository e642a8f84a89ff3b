import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { LAMBDA_BUNDLE_OPTIONS, LAMBDA_ENTRIES } from './bundling.js';
import { fromRepoRoot } from './lib/repo-paths.js';

/**
 * Bundles every Lambda entry with the project's esbuild options into
 * `dist/<name>/index.mjs` (with its source map) and `dist/<name>/meta.json`, the esbuild
 * metafile for size analysis. Entries whose file does not exist yet are skipped with a message.
 */
async function main() {
  for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) {
    const source = fromRepoRoot(entry);
    if (!existsSync(source)) {
      console.log(`skipped ${name}: ${entry} does not exist yet`);
      continue;
    }
    const outdir = fromRepoRoot(join('dist', name));
    await mkdir(outdir, { recursive: true });
    const result = await build({
      ...LAMBDA_BUNDLE_OPTIONS,
      entryPoints: [source],
      outfile: join(outdir, 'index.mjs'),
      metafile: true,
      logLevel: 'warning',
    });
    await writeFile(join(outdir, 'meta.json'), JSON.stringify(result.metafile));
    const bytes = Object.entries(result.metafile.outputs)
      .filter(([file]) => file.endsWith('.mjs'))
      .reduce((sum, [, output]) => sum + output.bytes, 0);
    console.log(`built ${name}: dist/${name}/index.mjs (${(bytes / 1024).toFixed(0)} KiB)`);
  }
}

await main();
