import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

// The CommonJS wrapper, with the bundle starting on a line of its own so that line and column
// numbers in stack traces are the bundle's (the script's line offset is -1).
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {\n';
const WRAPPER_TAIL = '\n})';

type ModuleWrapper = (
  exports: unknown,
  require: NodeJS.Require,
  module: { exports: unknown },
  filename: string,
  dirname: string,
) => void;

/** A CommonJS bundle compiled as a V8 script, possibly from a code cache. */
export interface CompiledBundle {
  /** The compiled script; `createCachedData()` takes a cache of everything compiled so far. */
  readonly script: vm.Script;
  /** Whether a cache was given and V8 refused it (the script was then compiled from source). */
  readonly cacheRejected: boolean;
  /** Runs the bundle's top level once and returns its `module.exports`. */
  evaluate(): Record<string, unknown>;
}

/**
 * Compiles a CommonJS bundle the way Node's own loader would run it, but as a `vm.Script`, which
 * can consume and produce V8 code caches. The same function makes the cache at build time and
 * uses it in Lambda, so both compile exactly the same source text.
 */
export function compileBundle(file: string, source: string, cachedData?: Buffer): CompiledBundle {
  const script = new vm.Script(WRAPPER_HEAD + source + WRAPPER_TAIL, {
    filename: file,
    lineOffset: -1,
    ...(cachedData && { cachedData }),
    // The bundle keeps dynamic imports of modules it leaves out; they resolve as in any module.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  return {
    script,
    cacheRejected: cachedData !== undefined && script.cachedDataRejected === true,
    evaluate() {
      const wrapper = script.runInThisContext() as ModuleWrapper;
      const module = { exports: {} as Record<string, unknown> };
      wrapper.call(
        module.exports,
        module.exports,
        createRequire(file),
        module,
        file,
        dirname(file),
      );
      return module.exports;
    },
  };
}
