import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_FILES } from '../../../src/startup/package-files.js';
import { buildFunctionPackage } from '../../../src/tools/lambda/package-function.js';
import {
  LAMBDA_BUNDLE_OPTIONS,
  LAMBDA_ENTRIES,
  LAMBDA_NODE,
  lambdaV8Flags,
} from '../../bundling.js';
import { logicalId } from '../testing/template-queries.js';
import { LAMBDA_RUNTIME, OrderFunction } from './order-function.js';

const outdir = mkdtempSync(join(tmpdir(), 'order-function-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const MEMORY_MB = 1024;

const graphqlFunction = (stack: Stack) =>
  new OrderFunction(stack, 'Graphql', {
    entry: LAMBDA_ENTRIES.graphql,
    description: 'GraphQL API',
    memorySize: MEMORY_MB,
    timeout: Duration.seconds(10),
    environment: {},
  });

describe('OrderFunction', () => {
  it('runs the managed runtime of the Node.js release the bundle targets and the cache is made by', () => {
    const major = LAMBDA_NODE.version.split('.')[0];

    expect(LAMBDA_RUNTIME.name).toBe(LAMBDA_NODE.runtime);
    expect(LAMBDA_NODE.runtime).toBe(`nodejs${major}.x`);
    expect(LAMBDA_BUNDLE_OPTIONS.target).toBe(`node${major}`);
  });

  it('pins the runtime version when the context names one, else updates it only on deploy', () => {
    const arn = 'arn:aws:lambda:us-east-1::runtime:0123456789abcdef';
    const managementOf = (context: Record<string, unknown>) => {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
      const stack = new Stack(app, 'Pinned');
      const fn = graphqlFunction(stack);
      return stack.resolve((fn.function.node.defaultChild as CfnFunction).runtimeManagementConfig);
    };

    expect(managementOf({ lambdaRuntimeVersionArn: arn })).toEqual({
      updateRuntimeOn: 'Manual',
      runtimeVersionArn: arn,
    });
    expect(managementOf({})).toEqual({ updateRuntimeOn: 'FunctionUpdate' });
  });

  it('deploys, byte for byte, the package that npm run build and the bench make', async () => {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Bundled');
    const graphql = graphqlFunction(stack);

    const assembly = app.synth();
    const built = join(outdir, 'built');
    // The code as npm run build and the bench make it. Its cache is left out: V8's cache bytes
    // differ from one making to the next, and the packaging itself fails on a cache V8 refuses.
    await buildFunctionPackage({
      dir: built,
      entry: LAMBDA_ENTRIES.graphql,
      memoryMb: MEMORY_MB,
      codeCache: false,
    });

    const template = assembly.getStackArtifact(stack.artifactId).template;
    const code = template.Resources[logicalId(graphql.function)].Properties.Code;
    const asset = join(outdir, `asset.${String(code.S3Key).replace(/\.zip$/, '')}`);
    expect(readdirSync(asset).sort()).toEqual(Object.values(PACKAGE_FILES).sort());
    for (const file of [PACKAGE_FILES.entry, PACKAGE_FILES.app, PACKAGE_FILES.map]) {
      expect(readFileSync(join(asset, file)).equals(readFileSync(join(built, file))), file).toBe(
        true,
      );
    }
    const app_js = readFileSync(join(asset, PACKAGE_FILES.app));
    expect(JSON.parse(readFileSync(join(asset, PACKAGE_FILES.cacheInfo), 'utf8'))).toMatchObject({
      node: `v${LAMBDA_NODE.version}`,
      arch: 'x64',
      v8Flags: lambdaV8Flags(MEMORY_MB),
      appSha256: createHash('sha256').update(app_js).digest('hex'),
      warmUps: ['order(id)'],
    });
    expect(readFileSync(join(asset, PACKAGE_FILES.cache)).length).toBeGreaterThan(app_js.length);
  }, 180_000);
});
