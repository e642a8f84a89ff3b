import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { LAMBDA_ENTRIES } from '../../bundling.js';
import { logicalId } from '../testing/template-queries.js';
import { OrderFunction } from './order-function.js';

const outdir = mkdtempSync(join(tmpdir(), 'order-function-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('OrderFunction', () => {
  it('bundles the GraphQL handler into an ESM asset with a linked source map when bundling runs', () => {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Bundled');
    const graphql = new OrderFunction(stack, 'Graphql', {
      entry: LAMBDA_ENTRIES.graphql,
      description: 'GraphQL API',
      memorySize: 1024,
      timeout: Duration.seconds(10),
      environment: {},
    });

    const assembly = app.synth();

    const template = assembly.getStackArtifact(stack.artifactId).template;
    const code = template.Resources[logicalId(graphql.function)].Properties.Code;
    const assetPath = join(outdir, `asset.${String(code.S3Key).replace(/\.zip$/, '')}`);
    const bundle = readFileSync(join(assetPath, 'index.mjs'), 'utf8');
    expect(bundle.startsWith("import { createRequire } from 'node:module';")).toBe(true);
    expect(bundle).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}/);
    expect(bundle.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);
    expect(existsSync(join(assetPath, 'index.mjs.map'))).toBe(true);
  });
});
