import { readFile } from 'node:fs/promises';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../../../codegen.js';

describe('generated GraphQL types', () => {
  it('match what codegen makes from the schema today', async () => {
    const outputs = await generate({ ...config, silent: true, cwd: new URL('../../..', import.meta.url).pathname }, false);
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      const committed = await readFile(new URL(`../../../${output.filename}`, import.meta.url), 'utf8');
      expect(committed, `${output.filename} is stale: run npm run codegen`).toBe(output.content);
    }
  });
});
