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
 * The folder of a commit's GraphQL package as that commit's own build script makes it
 * (`git archive` of the commit, this checkout's node_modules), built once and kept in
 * `.cache/bench/` (git-ignored). `rev` is anything git names a commit by; the cache is keyed by
 * the commit's hash.
 */
export async function packageOfCommit(rev: string, log: (line: string) => void): Promise<string> {
  const { stdout } = await run('git', [
    '-C',
    fromRepoRoot('.'),
    'rev-parse',
    '--short=12',
    `${rev}^{commit}`,
  ]);
  const commit = stdout.trim();
  const root = fromRepoRoot(join('.cache/bench', `commit-${commit}`));
  const built = join(root, 'dist', 'graphql');
  const isBuilt = () => ['index.mjs', 'index.js'].some((entry) => existsSync(join(built, entry)));
  if (isBuilt()) return built;
  log(`Building the GraphQL package of commit ${rev} (${commit}, once)…`);
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  await run('bash', [
    '-c',
    'git -C "$1" archive --format=tar "$3" | tar -x -C "$2"',
    'archive',
    fromRepoRoot('.'),
    root,
    commit,
  ]);
  await symlink(fromRepoRoot('node_modules'), join(root, 'node_modules'));
  // The Node.js releases this checkout installed, for the commit's code cache.
  if (existsSync(fromRepoRoot('.cache/node'))) {
    await mkdir(join(root, '.cache'), { recursive: true });
    await symlink(fromRepoRoot('.cache/node'), join(root, '.cache/node'));
  }
  await run(fromRepoRoot('node_modules/.bin/tsx'), ['infra/build.ts'], { cwd: root });
  if (!isBuilt()) throw new Error(`No GraphQL package in ${built}`);
  return built;
}

/** The baseline's package (`index.mjs` and its map). */
export const baselinePackage = (log: (line: string) => void): Promise<string> =>
  packageOfCommit(BASELINE_COMMIT, log);
