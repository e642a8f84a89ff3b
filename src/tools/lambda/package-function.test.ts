import { execFile } from 'node:child_process';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../infra/lib/repo-paths.js';
import { bundleFixture, THROWS_FIXTURE } from '../../startup/fixtures/bundle-fixture.js';
import { PACKAGE_FILES } from '../../startup/package-files.js';
import { packageFunction } from './package-function.js';

/** Loads the package's entry as Lambda does (require) in a fresh Node and calls `fail`. */
async function loadInFreshNode(dir: string) {
  const script = `const m = require(${JSON.stringify(join(dir, 'index.js'))});
    console.error(JSON.stringify({ answer: m.answer, stack: (() => { try { m.fail('boom') } catch (e) { return e.stack } })() }));`;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH, POWERTOOLS_SERVICE_NAME: 'order-api' },
  });
  return { stdout, result: JSON.parse(stderr) as { answer: number; stack: string } };
}

describe('packageFunction', () => {
  let dir: string;

  beforeAll(async () => {
    ({ dir } = await bundleFixture('package-function-', PACKAGE_FILES.entry));
    const entry = relative(REPO_ROOT, THROWS_FIXTURE);
    await packageFunction({ dir, entry, memoryMb: 1024, codeCache: false, log: () => {} });
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('turns esbuild’s output into the loader, the bundle and its repository-relative map', async () => {
    expect((await readdir(dir)).sort()).toEqual(
      [PACKAGE_FILES.entry, PACKAGE_FILES.app, PACKAGE_FILES.map].sort(),
    );
    const { stdout, result } = await loadInFreshNode(dir);

    expect(result.answer).toBe(42);
    expect(result.stack).toMatch(
      /^Error: boom\n {4}at .*\(src\/startup\/fixtures\/throws\.ts:2:\d+\)/,
    );
    expect(stdout).toBe('');
  });

  it('logs one CodeCacheRejected record and still runs when V8 refuses the cache', async () => {
    await writeFile(join(dir, PACKAGE_FILES.cache), 'not a code cache');
    await writeFile(join(dir, PACKAGE_FILES.cacheInfo), JSON.stringify({ node: 'v0.0.0' }));
    try {
      const { stdout, result } = await loadInFreshNode(dir);

      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
        CodeCacheRejected: 1,
        service: 'order-api',
        codeCache: { madeFor: { node: 'v0.0.0' }, runningOn: { node: process.version } },
      });
      expect(result.answer).toBe(42);
    } finally {
      await rm(join(dir, PACKAGE_FILES.cache));
      await rm(join(dir, PACKAGE_FILES.cacheInfo));
    }
  });
});
