import { OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { describe, expect, it } from 'vitest';
import { LAMBDA_BUNDLE_OPTIONS } from '../bundling.js';
import { toNodejsBundling } from './nodejs-bundling.js';

describe('toNodejsBundling', () => {
  it('maps the project bundle options onto NodejsFunction props one by one', () => {
    const { bundling, sourceMapsEnabled } = toNodejsBundling(LAMBDA_BUNDLE_OPTIONS);

    expect(bundling).toMatchObject({
      minify: LAMBDA_BUNDLE_OPTIONS.minify,
      sourceMap: true,
      target: LAMBDA_BUNDLE_OPTIONS.target,
      mainFields: LAMBDA_BUNDLE_OPTIONS.mainFields,
      format: OutputFormat.CJS,
      sourceMapMode: SourceMapMode.EXTERNAL,
      sourcesContent: false,
      externalModules: [...LAMBDA_BUNDLE_OPTIONS.external],
      define: LAMBDA_BUNDLE_OPTIONS.define,
    });
    expect(bundling.esbuildArgs).toEqual({
      '--legal-comments': 'none',
      '--conditions': LAMBDA_BUNDLE_OPTIONS.conditions.join(','),
      '--resolve-extensions': LAMBDA_BUNDLE_OPTIONS.resolveExtensions.join(','),
      ...Object.fromEntries(
        Object.entries(LAMBDA_BUNDLE_OPTIONS.alias).map(([name, target]) => [
          `--alias:${name}`,
          target,
        ]),
      ),
    });
    // External: Node never loads the map at start; the package's entry maps traces on demand.
    expect(sourceMapsEnabled).toBe(false);
  });

  it('maps loaders onto the loader prop', () => {
    const { bundling } = toNodejsBundling({ bundle: true, loader: { '.graphql': 'text' } });

    expect(bundling.loader).toEqual({ '.graphql': 'text' });
  });

  it('reports source maps Node cannot find when the map is external', () => {
    const { bundling, sourceMapsEnabled } = toNodejsBundling({
      bundle: true,
      sourcemap: 'external',
    });

    expect(bundling.sourceMapMode).toBe(SourceMapMode.EXTERNAL);
    expect(sourceMapsEnabled).toBe(false);
  });

  it('passes scalar and repeated options without a prop of their own as esbuild flags', () => {
    const { bundling } = toNodejsBundling({
      bundle: true,
      legalComments: 'none',
      treeShaking: true,
      drop: ['debugger'],
    });

    expect(bundling.esbuildArgs).toEqual({
      '--legal-comments': 'none',
      '--tree-shaking': true,
      '--drop': ['debugger'],
    });
  });

  it('refuses an option it cannot carry over rather than bundle differently', () => {
    expect(() => toNodejsBundling({ bundle: true, plugins: [] })).toThrow(/'plugins'/);
    expect(() => toNodejsBundling({ bundle: true, format: 'iife' })).toThrow(/'format'/);
    expect(() => toNodejsBundling({ bundle: false })).toThrow(/'bundle'/);
  });
});
