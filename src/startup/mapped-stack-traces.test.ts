import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compileBundle } from './code-cache.js';
import { bundleFixture } from './fixtures/bundle-fixture.js';
import { mapStackTraces } from './mapped-stack-traces.js';

function thrownBy(fail: (message: string) => never): Error {
  try {
    fail('boom');
  } catch (error) {
    return error as Error;
  }
  throw new Error('nothing was thrown');
}

describe('mapStackTraces', () => {
  const original = Error.prepareStackTrace;
  let dir: string;
  let file: string;
  let fail: (message: string) => never;

  beforeAll(async () => {
    const bundled = await bundleFixture('mapped-stacks-');
    ({ dir, file } = bundled);
    const exports = compileBundle(file, bundled.source).evaluate();
    fail = exports.fail as typeof fail;
  });

  afterEach(() => {
    Error.prepareStackTrace = original;
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('names the source file and line of a bundled frame when the stack is formatted', () => {
    mapStackTraces(file, join(dir, 'app.js.map'));

    const { stack } = thrownBy(fail);

    expect(stack).toMatch(/^Error: boom\n {4}at .*src\/startup\/fixtures\/throws\.ts:2:\d+/);
    // Frames outside the bundle keep Node's own format.
    expect(stack).toContain('mapped-stack-traces.test.ts');
  });

  it('reads the map only when a stack is first formatted, not when installed', async () => {
    const moved = join(dir, 'later.map');
    await rename(join(dir, 'app.js.map'), moved);
    mapStackTraces(file, moved.replace('later.map', 'app.js.map'));
    await rename(moved, join(dir, 'app.js.map'));

    expect(thrownBy(fail).stack).toMatch(/throws\.ts:2:\d+/);
  });

  it('leaves the bundle’s frames as they are when there is no map', () => {
    mapStackTraces(file, join(dir, 'missing.map'));

    const { stack } = thrownBy(fail);

    expect(stack).toMatch(/^Error: boom\n {4}at .*app\.js:\d+:\d+/);
    expect(stack).not.toContain('throws.ts');
  });
});
