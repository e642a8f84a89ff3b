import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildFunctionPackage } from '../src/tools/lambda/package-function.js';
import { LAMBDA_ENTRIES } from './bundling.js';
import { deployedFunctions } from './lib/deployed-functions.js';
import { fromRepoRoot } from './lib/repo-paths.js';

/**
 * Builds every Lambda entry into `dist/<name>/` exactly as the CDK functions package it: the
 * bundle `app.js` with its map, the loader `index.js` and the V8 code cache made for the
 * function's memory size as the stack sets it (src/tools/lambda/package-function.ts), plus
 * `meta.json`, esbuild's metafile for size analysis (not part of the package). Entries whose file
 * does not exist yet are skipped with a message.
 */
async function main() {
  const functions = deployedFunctions();
  for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) {
    if (!existsSync(fromRepoRoot(entry))) {
      console.log(`skipped ${name}: ${entry} does not exist yet`);
      continue;
    }
    const deployed = functions.find((fn) => fn.entry === entry);
    if (!deployed) throw new Error(`The stack deploys no function for ${entry}`);
    const dir = fromRepoRoot(join('dist', name));
    const made = await buildFunctionPackage({ dir, entry, memoryMb: deployed.memoryMb });
    await writeFile(join(dir, 'meta.json'), JSON.stringify(made.metafile));
    const files = Object.entries(made.bytes)
      .map(([file, bytes]) => `${file} ${(bytes / 1024).toFixed(0)} KiB`)
      .join(', ');
    console.log(`built ${name}: dist/${name}/ (${files})`);
  }
}

await main();
