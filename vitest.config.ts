import { readFile } from 'node:fs/promises';
import { defineConfig, type Plugin } from 'vitest/config';

/** Loads `.graphql` files as text, as the esbuild bundle and the local runtime do. */
const graphqlText: Plugin = {
  name: 'graphql-text',
  async load(id) {
    if (!id.endsWith('.graphql')) return null;
    return `export default ${JSON.stringify(await readFile(id, 'utf8'))};`;
  },
};

export default defineConfig({
  plugins: [graphqlText],
  test: {
    include: ['src/**/*.test.ts', 'infra/**/*.test.ts'],
    globalSetup: ['src/testing/global-setup.ts'],
    setupFiles: ['src/testing/setup-env.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
