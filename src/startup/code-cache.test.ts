import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileBundle } from './code-cache.js';
import { bundleFixture } from './fixtures/bundle-fixture.js';

describe('compileBundle', () => {
  let dir: string;
  let file: string;
  let source: string;

  beforeAll(async () => {
    ({ dir, file, source } = await bundleFixture('code-cache-'));
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('returns the CommonJS bundle’s exports when it evaluates it', () => {
    const exports = compileBundle(file, source).evaluate();

    expect(exports.answer).toBe(42);
    expect(() => (exports.fail as (m: string) => never)('boom')).toThrow('boom');
  });

  // V8 keeps compiled scripts per process and would answer a second compile of a text from there
  // without reading the cache, so each case compiles a text of its own.
  const variant = (tag: string) => `${source}\n// ${tag}`;

  it('accepts the cache it took after running the bundle when compiling the same source', () => {
    const first = compileBundle(file, variant('accepted'));
    first.evaluate();
    const cache = first.script.createCachedData();

    const second = compileBundle(file, variant('accepted'), cache);

    expect(second.cacheRejected).toBe(false);
    expect(second.evaluate().answer).toBe(42);
  });

  it('compiles from source and reports the rejection when the cache is not V8’s', () => {
    const compiled = compileBundle(file, variant('garbage'), Buffer.from('not a code cache'));

    expect(compiled.cacheRejected).toBe(true);
    expect(compiled.evaluate().answer).toBe(42);
  });

  it('refuses a cache made for other source text', () => {
    const other = compileBundle(file, variant('other'));
    other.evaluate();
    const cache = other.script.createCachedData();

    expect(compileBundle(file, variant('another one'), cache).cacheRejected).toBe(true);
  });

  it('reports no rejection when no cache is given', () => {
    expect(compileBundle(file, source).cacheRejected).toBe(false);
  });
});
