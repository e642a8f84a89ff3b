import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { SourceMap, type SourceMapping } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { LAMBDA_BUNDLE_OPTIONS } from '../../infra/bundling.js';
import { fromRepoRoot } from '../../infra/lib/repo-paths.js';
import { sourceMapLookup } from './source-map-lookup.js';

describe('sourceMapLookup', () => {
  let dir: string | undefined;
  afterAll(() => dir && rm(dir, { recursive: true, force: true }));

  it('finds what Node’s own SourceMap finds at positions across a real Lambda bundle', async () => {
    dir = await mkdtemp(join(tmpdir(), 'source-map-lookup-'));
    const outfile = join(dir, 'app.js');
    await build({
      ...LAMBDA_BUNDLE_OPTIONS,
      entryPoints: [fromRepoRoot('src/handlers/sweep-orders.ts')],
      outfile,
      logLevel: 'error',
    });
    const payload = JSON.parse(readFileSync(`${outfile}.map`, 'utf8'));
    const reference = new SourceMap(payload);
    const lookup = sourceMapLookup(payload);
    const lines = readFileSync(outfile, 'utf8').split('\n');

    let compared = 0;
    // Every 97th column of every line, in a scattered order so the lookup also goes back.
    const positions = lines.flatMap((text, line) =>
      Array.from({ length: Math.ceil(text.length / 97) }, (_, i) => [line, i * 97] as const),
    );
    positions.sort((a, b) => ((a[0] * 7919 + a[1]) % 1009) - ((b[0] * 7919 + b[1]) % 1009));
    for (const [line, column] of positions) {
      const expected = reference.findEntry(line, column) as Partial<SourceMapping>;
      const actual = lookup(line, column);
      if (expected.originalSource === undefined) continue;
      // Node resolves sources to URLs; the lookup returns them as the map writes them.
      expect(
        expected.originalSource.endsWith(actual?.source.replace(/^(\.\.\/)+/, '') ?? '?'),
      ).toBe(true);
      expect([actual?.line, actual?.column]).toEqual([
        expected.originalLine,
        expected.originalColumn,
      ]);
      compared++;
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('returns nothing for a line past the end of the map', () => {
    const lookup = sourceMapLookup({ sources: ['a.ts'], mappings: 'AAAA;AACA' });

    expect(lookup(0, 5)).toEqual({ source: 'a.ts', line: 0, column: 0 });
    expect(lookup(1, 0)).toEqual({ source: 'a.ts', line: 1, column: 0 });
    expect(lookup(7, 0)).toBeUndefined();
  });
});
