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
  resolve: {
    // graphql 16 has no export map: Vite would pick its ES module build for the project's own
    // files while Node loads the CommonJS build for Apollo, and a schema built with one copy is
    // refused by the other. Resolve it as Node does.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['src/**/*.test.ts', 'infra/**/*.test.ts'],
    globalSetup: ['src/testing/global-setup.ts'],
    setupFiles: ['src/testing/setup-env.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
