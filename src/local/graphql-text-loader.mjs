// Lets Node import `.graphql` files as text modules, as the esbuild bundle does.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
      import { readFile } from 'node:fs/promises';
      export async function load(url, context, next) {
        if (!url.endsWith('.graphql')) return next(url, context);
        const text = await readFile(new URL(url), 'utf8');
        return { format: 'module', shortCircuit: true, source: 'export default ' + JSON.stringify(text) };
      }
    `),
);
