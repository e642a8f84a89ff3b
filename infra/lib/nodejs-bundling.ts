import {
  type BundlingOptions,
  Charset,
  OutputFormat,
  SourceMapMode,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** esbuild options NodejsFunction decides itself (entry, output, platform). */
const DECIDED_BY_NODEJS_FUNCTION = new Set([
  'bundle',
  'platform',
  'entryPoints',
  'outfile',
  'outdir',
  'outExtension',
  'metafile',
  'write',
  'absWorkingDir',
  'logLevel',
]);

/** Array options that esbuild's command line takes as one `--name:value` flag per item. */
const REPEATED_FLAGS = new Set(['drop', 'pure']);

/** Array options that esbuild's command line takes as one comma-separated `--name=a,b`. */
const LIST_FLAGS = new Set(['conditions', 'resolveExtensions']);

/** Map options that esbuild's command line takes as one `--name:key=value` flag per entry. */
const KEYED_FLAGS = new Set(['alias']);

const SOURCE_MAP_MODES: Record<string, SourceMapMode> = {
  linked: SourceMapMode.DEFAULT,
  external: SourceMapMode.EXTERNAL,
  inline: SourceMapMode.INLINE,
  both: SourceMapMode.BOTH,
};

/** NodejsFunction bundling props derived from one esbuild configuration. */
export interface NodejsBundling {
  /** The props for `NodejsFunction#bundling`. */
  readonly bundling: BundlingOptions;
  /**
   * Whether the bundle carries a source map that Node can find, so functions should run with
   * `NODE_OPTIONS=--enable-source-maps`.
   */
  readonly sourceMapsEnabled: boolean;
}

class UnmappedOptionError extends Error {
  constructor(key: string, why: string) {
    super(
      `esbuild option '${key}' ${why}; map it in infra/lib/nodejs-bundling.ts so the CDK bundle and npm run build stay the same`,
    );
    this.name = 'UnmappedOptionError';
  }
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function onlyJs(key: string, value: BuildOptions['banner']): string | undefined {
  if (value === undefined) return undefined;
  const { js, ...others } = value;
  if (Object.keys(others).length > 0) throw new UnmappedOptionError(key, 'has non-js entries');
  return js;
}

function sourceMap(value: BuildOptions['sourcemap']) {
  if (value === undefined || value === false) return { sourceMap: false };
  const mode = value === true ? SourceMapMode.DEFAULT : SOURCE_MAP_MODES[value];
  if (!mode) throw new UnmappedOptionError('sourcemap', `has the unknown mode '${value}'`);
  return { sourceMap: true, sourceMapMode: mode };
}

function format(value: BuildOptions['format']) {
  if (value === undefined) return undefined;
  if (value === 'esm') return OutputFormat.ESM;
  if (value === 'cjs') return OutputFormat.CJS;
  throw new UnmappedOptionError('format', `'${value}' cannot run on Lambda`);
}

function charset(value: BuildOptions['charset']) {
  if (value === undefined) return undefined;
  return value === 'utf8' ? Charset.UTF8 : Charset.ASCII;
}

/** Every option without a NodejsFunction prop of its own, as esbuild command-line flags. */
function extraArgs(options: BuildOptions, handled: ReadonlySet<string>) {
  const args: Record<string, string | boolean | string[]> = {};
  for (const [key, value] of Object.entries(options)) {
    if (handled.has(key) || DECIDED_BY_NODEJS_FUNCTION.has(key) || value === undefined) continue;
    const flag = `--${kebab(key)}`;
    if (typeof value === 'string' || typeof value === 'boolean') args[flag] = value;
    else if (typeof value === 'number') args[flag] = String(value);
    else if (REPEATED_FLAGS.has(key) && Array.isArray(value)) args[flag] = value.map(String);
    else if (LIST_FLAGS.has(key) && Array.isArray(value)) args[flag] = value.join(',');
    else if (KEYED_FLAGS.has(key) && typeof value === 'object' && value !== null) {
      for (const [name, target] of Object.entries(value)) args[`${flag}:${name}`] = String(target);
    } else throw new UnmappedOptionError(key, 'has no NodejsFunction equivalent');
  }
  return args;
}

/**
 * Maps the project's esbuild options onto NodejsFunction's bundling props, so that `cdk deploy`
 * and `npm run build` produce the same bundle. Options with a NodejsFunction prop use it; other
 * scalar options pass through as esbuild flags; anything else is an error rather than a silent
 * difference.
 */
export function toNodejsBundling(options: BuildOptions): NodejsBundling {
  if (options.bundle !== true) throw new UnmappedOptionError('bundle', 'must be true');
  if (options.platform !== undefined && options.platform !== 'node') {
    throw new UnmappedOptionError('platform', "must be 'node'");
  }
  const handled = new Set([
    'minify',
    'sourcemap',
    'sourcesContent',
    'target',
    'format',
    'mainFields',
    'loader',
    'banner',
    'footer',
    'keepNames',
    'charset',
    'define',
    'external',
    'inject',
    'tsconfig',
  ]);
  const maps = sourceMap(options.sourcemap);
  const esbuildArgs = extraArgs(options, handled);
  const target = options.target;
  const bundling: BundlingOptions = {
    ...maps,
    minify: options.minify,
    sourcesContent: options.sourcesContent,
    target: Array.isArray(target) ? target.join(',') : target,
    format: format(options.format),
    mainFields: options.mainFields && [...options.mainFields],
    loader: options.loader && { ...options.loader },
    banner: onlyJs('banner', options.banner),
    footer: onlyJs('footer', options.footer),
    keepNames: options.keepNames,
    charset: charset(options.charset),
    define: options.define && { ...options.define },
    // NodejsFunction leaves the AWS SDK out by default; the esbuild config decides instead.
    externalModules: [...(options.external ?? [])],
    inject: options.inject && [...options.inject],
    tsconfig: options.tsconfig,
    ...(Object.keys(esbuildArgs).length > 0 && { esbuildArgs }),
  };
  return {
    bundling,
    sourceMapsEnabled: maps.sourceMap && maps.sourceMapMode !== SourceMapMode.EXTERNAL,
  };
}
