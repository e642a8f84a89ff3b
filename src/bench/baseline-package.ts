import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fromRepoRoot } from '../../infra/lib/repo-paths.js';

const run = promisify(execFile);

/**
 * The commit whose GraphQL function is the cold-start baseline: the package as deployed before
 * the code cache (ESM bundle, linked source map, `NODE_OPTIONS=--enable-source-maps`, Node.js 22).
 */
export const BASELINE_COMMIT = 'd9e581c';

/** How that commit's stack ran its functions. */
export const BASELINE_RUNTIME = {
  node: '22.23.5',
  nodeOptions: '--enable-source-maps',
} as const;

/**
 * The folder of the baseline's GraphQL package (`index.mjs` and its map), built once from the
 * commit's own files and build script (`git archive`, this checkout's node_modules) and kept in
 * `.cache/bench/` (git-ignored).
 */
export async function baselinePackage(log: (line: string) => void): Promise<string> {
  const root = fromRepoRoot(join('.cache/bench', `baseline-${BASELINE_COMMIT}`));
  const built = join(root, 'dist', 'graphql');
  if (existsSync(join(built, 'index.mjs'))) return built;
  log(`Building the baseline package from commit ${BASELINE_COMMIT} (once)…`);
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  await run('bash', [
    '-c',
    `git -C "$1" archive --format=tar ${BASELINE_COMMIT} | tar -x -C "$2"`,
    'archive',
    fromRepoRoot('.'),
    root,
  ]);
  await symlink(fromRepoRoot('node_modules'), join(root, 'node_modules'));
  await run(fromRepoRoot('node_modules/.bin/tsx'), ['infra/build.ts'], { cwd: root });
  if (!existsSync(join(built, 'index.mjs'))) throw new Error(`No baseline package in ${built}`);
  return built;
}
